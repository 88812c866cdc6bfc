/** No workflow is registered for a product and feature tag. Rendered as HTTP 404. */
export class FeatureNotFoundError extends Error {
  readonly code = 'FEATURE_NOT_FOUND' as const;
  constructor(
    readonly product: string,
    readonly featureTag: string,
    known: string[],
  ) {
    super(`no feature "${featureTag}" in product "${product}"${known.length ? ` (features: ${known.join(', ')})` : ''}`);
    this.name = 'FeatureNotFoundError';
  }
}

/** A session token is missing, malformed, expired or signed with the wrong key. Rendered as HTTP 401. */
export class SessionError extends Error {
  readonly code = 'SESSION_INVALID' as const;
  constructor(
    readonly sessionTag: string,
    reason: string,
  ) {
    super(`session "${sessionTag}": ${reason}`);
    this.name = 'SessionError';
  }
}

/** A step failed for a reason the step itself reports (HTTP status, unroutable message, …). */
export class StepFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StepFailure';
  }
}

/** A step attempt ran longer than its `timeout`. */
export class StepTimeoutError extends Error {
  readonly code = 'TIMEOUT' as const;
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'StepTimeoutError';
  }
}

/** The run was cancelled because another step failed. */
export class RunCancelledError extends Error {
  readonly code = 'CANCELLED' as const;
  constructor(readonly failedStep: string) {
    super(`cancelled: step "${failedStep}" failed`);
    this.name = 'RunCancelledError';
  }
}
