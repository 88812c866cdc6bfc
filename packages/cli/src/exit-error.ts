import { ConflictError, StoreUnavailableError, ValidationError } from '@switchyard/core';
import { ApiError } from './backend/api-error';

/** The documented exit codes of `switchyard`. */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** Invalid input: manifest errors, validation failures, conflicts, unknown flags. */
  USER: 1,
  /** Wrong command-line usage: unknown command or option, missing argument. */
  USAGE: 2,
  /** A store or server could not be reached or failed. */
  BACKEND: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Thrown by commands to end with an exit code and one line for stderr. Only the executable's
 * entrypoint turns it into `process.exit`. `message` may be empty when the command already
 * printed everything (for example every manifest error).
 */
export class ExitError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExitError';
  }
}

/** A usage mistake found after parsing (conflicting options, a missing source). */
export function usageError(message: string): ExitError {
  return new ExitError(EXIT.USAGE, message);
}

/** A store or server that cannot be reached or answered with a failure. */
export class BackendError extends Error {
  readonly code = 'BACKEND' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendError';
  }
}

/** Maps any thrown value to an `ExitError`; core's typed errors keep their message. */
export function toExitError(err: unknown): ExitError {
  if (err instanceof ExitError) return err;
  if (err instanceof ValidationError || err instanceof ConflictError) return new ExitError(EXIT.USER, err.message, { cause: err });
  if (err instanceof StoreUnavailableError || err instanceof BackendError) return new ExitError(EXIT.BACKEND, err.message, { cause: err });
  if (err instanceof ApiError) return new ExitError(err.status >= 500 ? EXIT.BACKEND : EXIT.USER, err.message, { cause: err });
  if (err instanceof Error) return new ExitError(EXIT.USER, err.message || err.name, { cause: err });
  return new ExitError(EXIT.USER, String(err));
}
