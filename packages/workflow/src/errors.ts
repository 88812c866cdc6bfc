import { codedError } from '@switchyard/core';

/** No workflow is registered for a product and feature tag. Rendered as HTTP 404. */
export class FeatureNotFoundError extends codedError('FeatureNotFoundError', 'FEATURE_NOT_FOUND') {
  constructor(
    readonly product: string,
    readonly featureTag: string,
    known: string[],
  ) {
    super(`no feature "${featureTag}" in product "${product}"${known.length ? ` (features: ${known.join(', ')})` : ''}`);
  }
}

/** A session token is missing, malformed, expired or signed with the wrong key. Rendered as HTTP 401. */
export class SessionError extends codedError('SessionError', 'SESSION_INVALID') {
  constructor(
    readonly sessionTag: string,
    reason: string,
  ) {
    super(`session "${sessionTag}": ${reason}`);
  }
}

/** A step failed for a reason the step itself reports (HTTP status, unroutable message, …). */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
  constructor(
    message: string,
    options?: { cause?: unknown; code?: string },
  ) {
    super(message, options);
    if (options?.code) this.code = options.code;
  }
  /** A stable reason code when there is one (e.g. `HTTP_STATUS`). */
  readonly code?: string;
}

/** A flag gate names a flag the engine does not define. */
export class FlagNotFoundError extends codedError('FlagNotFoundError', 'FLAG_NOT_FOUND') {
  constructor(readonly flagKey: string) {
    super(`flag "${flagKey}" does not exist`);
  }
}

/** An HTTP request would carry a secret to an origin the secret is not bound to; nothing was sent. */
export class SecretNotBoundError extends codedError('SecretNotBoundError', 'SECRET_NOT_BOUND') {
  constructor(
    readonly secret: string,
    readonly origin: string,
    hint: string,
  ) {
    super(`secret "${secret}" may not be sent to ${origin}: ${hint}`);
  }
}

/** The run took longer than its deadline; the steps still running were cancelled. */
export class RunDeadlineError extends codedError('RunDeadlineError', 'DEADLINE_EXCEEDED') {
  constructor(readonly deadlineMs: number) {
    super(`the run exceeded its deadline of ${deadlineMs} ms`);
  }
}

/** The caller gave up on the run (an aborted `signal`, a client that disconnected). */
export class RunAbortedError extends codedError('RunAbortedError', 'ABORTED') {
  constructor(reason = 'the caller cancelled the run') {
    super(reason);
  }
}

/** A step attempt ran longer than its `timeout`. */
export class StepTimeoutError extends codedError('StepTimeoutError', 'TIMEOUT') {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/** The run was cancelled because another step failed. */
export class RunCancelledError extends codedError('RunCancelledError', 'CANCELLED') {
  constructor(readonly failedStep: string) {
    super(`cancelled: step "${failedStep}" failed`);
  }
}
