/** A feature name was used that no definition (and no fake override) answers. */
export class FeatureNotDefinedError extends Error {
  readonly code = 'FEATURE_NOT_DEFINED' as const;
  constructor(readonly feature: string) {
    super(`feature "${feature}" is not defined; define it with createFeatures({ features }) or features.define()`);
    this.name = 'FeatureNotDefinedError';
  }
}

/** A scope cannot be identified: no identifier, an invalid one, or one that changes between calls. */
export class InvalidScopeError extends Error {
  readonly code = 'INVALID_SCOPE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidScopeError';
  }
}
