import { errorCodeOf, isConflictError, isStoreUnavailableError, isValidationError } from '@switchyard/core';

/**
 * The exit codes of `switchyard`, the same for every command (documented in the README and in
 * `switchyard --help`).
 */
export const EXIT = {
  /** Success. */
  OK: 0,
  /**
   * A check failed: invalid input (manifest or definition errors, rejected values), a version
   * conflict, an unknown flag, refused credentials, a failed workflow run, differences found by
   * `diff --exit-code`.
   */
  USER: 1,
  /**
   * Wrong usage: an unknown command or option, a missing argument, an invalid or conflicting option
   * value, a file or store named on the command line that does not exist (a `sqlite:` path without
   * `--create`), an invalid server configuration.
   */
  USAGE: 2,
  /** A store or server could not be reached, did not answer in time, or failed (HTTP 5xx). */
  BACKEND: 3,
  /** An unexpected failure inside switchyard (a bug); `--verbose` prints the stack trace. */
  INTERNAL: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Thrown by commands to end with an exit code and one line for stderr. Only the executable's
 * entrypoint turns it into `process.exit`. `message` may be empty when the command already
 * printed everything (for example every manifest error).
 */
export class ExitError extends Error {
  override readonly name = 'ExitError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A usage mistake found after parsing (conflicting options, a missing source). */
export function usageError(message: string): ExitError {
  return new ExitError(EXIT.USAGE, message);
}

/** A store or server that cannot be reached or answered with a failure. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  readonly code = 'BACKEND' as const;
}

/** Codes of errors that mean the input was refused (thrown by the workflow runner and the features package). */
const REFUSED_CODES = new Set(['FEATURE_NOT_FOUND', 'SESSION_INVALID', 'INVALID_SCOPE']);
/** File-system errors about a path the user named. */
const PATH_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENAMETOOLONG']);
const EXIT_CODES = new Set<number>(Object.values(EXIT));

function isExitError(err: unknown): err is ExitError {
  if (err instanceof ExitError) return true;
  const e = err as { name?: unknown; exitCode?: unknown } | null;
  return typeof e === 'object' && e !== null && e.name === 'ExitError' && typeof e.exitCode === 'number' && EXIT_CODES.has(e.exitCode);
}

/**
 * Maps any thrown value to an `ExitError` with the documented code. Errors are matched by their
 * stable `code` (never by class: core or a store adapter may be loaded in another module format),
 * and anything unexpected is an internal error rather than a claim that the input was wrong.
 */
export function toExitError(err: unknown): ExitError {
  if (isExitError(err)) return err;
  const message = err instanceof Error ? err.message || err.name : String(err);
  if (isValidationError(err) || isConflictError(err)) return new ExitError(EXIT.USER, message, { cause: err });
  if (isStoreUnavailableError(err) || errorCodeOf(err) === 'BACKEND') return new ExitError(EXIT.BACKEND, message, { cause: err });
  const e = err as { name?: unknown; status?: unknown } | null;
  if (e && typeof e === 'object' && e.name === 'ApiError' && typeof e.status === 'number') {
    return new ExitError(e.status >= 500 ? EXIT.BACKEND : EXIT.USER, message, { cause: err });
  }
  const code = errorCodeOf(err);
  if (code !== undefined && REFUSED_CODES.has(code)) return new ExitError(EXIT.USER, message, { cause: err });
  if (code !== undefined && PATH_CODES.has(code)) return new ExitError(EXIT.USAGE, message, { cause: err });
  return new ExitError(EXIT.INTERNAL, `internal error: ${message} (run with --verbose for the stack trace)`, { cause: err });
}
