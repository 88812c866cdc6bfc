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
  constructor(
    message: string,
    options?: { cause?: unknown; code?: string },
  ) {
    super(message, options);
    this.name = 'StepFailure';
    if (options?.code) this.code = options.code;
  }
  /** A stable reason code when there is one (e.g. `HTTP_STATUS`). */
  readonly code?: string;
}

/** A flag gate names a flag the engine does not define. */
export class FlagNotFoundError extends Error {
  readonly code = 'FLAG_NOT_FOUND' as const;
  constructor(readonly flagKey: string) {
    super(`flag "${flagKey}" does not exist`);
    this.name = 'FlagNotFoundError';
  }
}

/** An HTTP request would carry a secret to an origin the secret is not bound to; nothing was sent. */
export class SecretNotBoundError extends Error {
  readonly code = 'SECRET_NOT_BOUND' as const;
  constructor(
    readonly secret: string,
    readonly origin: string,
    hint: string,
  ) {
    super(`secret "${secret}" may not be sent to ${origin}: ${hint}`);
    this.name = 'SecretNotBoundError';
  }
}

/** The run took longer than its deadline; the steps still running were cancelled. */
export class RunDeadlineError extends Error {
  readonly code = 'DEADLINE_EXCEEDED' as const;
  constructor(readonly deadlineMs: number) {
    super(`the run exceeded its deadline of ${deadlineMs} ms`);
    this.name = 'RunDeadlineError';
  }
}

/** The caller gave up on the run (an aborted `signal`, a client that disconnected). */
export class RunAbortedError extends Error {
  readonly code = 'ABORTED' as const;
  constructor(reason = 'the caller cancelled the run') {
    super(reason);
    this.name = 'RunAbortedError';
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
