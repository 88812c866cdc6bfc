import { codedError } from '@switchyard/core';

/** A feature name was used that no definition (and no fake override) answers. */
export class FeatureNotDefinedError extends codedError('FeatureNotDefinedError', 'FEATURE_NOT_DEFINED') {
  constructor(readonly feature: string) {
    super(`feature "${feature}" is not defined; define it with createFeatures({ features }) or features.define()`);
  }
}

/**
 * A scope cannot be identified: no identifier, an invalid one, or one that changes between calls;
 * or a feature that needs a scope got none. `status` is the HTTP status it means when a request
 * handler lets it through (express's error handler uses it): 400 when the scope is missing (the
 * request has no user, tenant …), 500 for identifiers the application computes wrongly.
 */
export class InvalidScopeError extends codedError('InvalidScopeError', 'INVALID_SCOPE') {
  readonly status: number;
  constructor(message: string, options: { missing?: boolean } = {}) {
    super(message);
    this.status = options.missing ? 400 : 500;
  }

  /** Express and http-errors read `statusCode` too. */
  get statusCode(): number {
    return this.status;
  }

  /** Whether the message may be shown to the client (http-errors' convention): a missing scope says nothing internal. */
  get expose(): boolean {
    return this.status < 500;
  }
}

/** A feature class could not be built: its constructor needs arguments and no container was given, or the container failed. */
export class FeatureConstructionError extends codedError('FeatureConstructionError', 'FEATURE_CONSTRUCTION') {
  constructor(
    readonly feature: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `HasFeatures` models were asked for `.features` before `setDefaultFeatures()`. */
export class DefaultFeaturesMissingError extends codedError('DefaultFeaturesMissingError', 'DEFAULT_FEATURES_MISSING') {
  constructor() {
    super('model.features needs the application features: call setDefaultFeatures(createFeatures({ ... })) at startup');
  }
}
