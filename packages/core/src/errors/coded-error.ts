/** An `Error` whose `name` and machine-readable `code` are fixed by its class. */
export type CodedError<N extends string, C extends string> = Error & { readonly name: N; readonly code: C };

/** A class of {@link CodedError}s: constructed like `Error` (message, options with `cause`). */
export type CodedErrorClass<N extends string, C extends string> = new (message?: string, options?: ErrorOptions) => CodedError<N, C>;

/**
 * A base class for errors that carry a stable `code`: `class ConflictError extends codedError('ConflictError', 'CONFLICT') {}`.
 * Subclasses add their own constructor and fields; `instanceof Error` holds, and `name` shows in stack traces.
 */
export function codedError<const N extends string, const C extends string>(name: N, code: C): CodedErrorClass<N, C> {
  return class extends Error {
    override readonly name: N = name;
    readonly code: C = code;
  };
}
