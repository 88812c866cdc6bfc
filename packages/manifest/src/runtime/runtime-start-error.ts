import { formatDiagnostic, summarizeDiagnostics, type Diagnostic } from '@switchyard/core';

/** Why a runtime did not start. */
export type RuntimeStartFailure =
  /** The store could not be opened (`cause` holds the opener's error). */
  | 'store'
  /** The manifests are invalid, or were refused by `validate` (`diagnostics` lists every problem). */
  | 'manifests'
  /** `start` was called on a closed runtime. */
  | 'closed';

/** Thrown by `start()` (and the rejection of `ready`) when a runtime cannot start; nothing is left open. */
export class RuntimeStartError extends Error {
  override readonly name = 'RuntimeStartError';
  constructor(
    readonly failure: RuntimeStartFailure,
    message: string,
    /** The problems that stopped the start; empty unless `failure` is `manifests`. */
    readonly diagnostics: readonly Diagnostic[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Invalid manifests in `dir`: a one-line message naming the first problem and how many follow. */
  static manifests(dir: string, diagnostics: readonly Diagnostic[]): RuntimeStartError {
    const lines = diagnostics.length ? diagnostics.map(formatDiagnostic) : ['no valid manifest set'];
    return new RuntimeStartError('manifests', summarizeDiagnostics(`manifests in ${dir} are invalid`, lines), diagnostics);
  }
}

/** A `RuntimeStartError` from any copy of this package (its other module format included). Use it instead of `instanceof`. */
export function isRuntimeStartError(err: unknown): err is RuntimeStartError {
  return err instanceof Error && err.name === 'RuntimeStartError' && typeof (err as { failure?: unknown }).failure === 'string';
}
