/** The plugin's configuration (package.json `cds.featureToggles`, a toggle config file) is invalid. */
export class FeatureTogglesConfigError extends Error {
  override readonly name = 'FeatureTogglesConfigError';
  readonly code = 'FEATURE_TOGGLES_CONFIG' as const;
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems[0]} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}: ${problems.slice(1).join('; ')})`);
  }
}

/** The toggles were used before the plugin (or `FeatureToggles.initialize`) set them up. */
export class FeatureTogglesNotInitializedError extends Error {
  override readonly name = 'FeatureTogglesNotInitializedError';
  readonly code = 'FEATURE_TOGGLES_NOT_INITIALIZED' as const;
  constructor() {
    super('feature toggles are not initialized: add @switchyard/cds to the dependencies of the CAP app (it activates when the app is served), or call FeatureToggles.initialize()');
  }
}
