import { codedError } from './coded-error';

/** One problem found while validating a definition or a value. `path` points inside the input. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

/** Input (a definition, a value, a request) is invalid. Rendered as HTTP 422, CLI exit 1. */
export class ValidationError extends Error {
  // Widened to string: subclasses (workflow definition and storage path errors) name themselves.
  override readonly name: string = 'ValidationError';
  readonly code = 'VALIDATION' as const;
  constructor(
    readonly issues: ValidationIssue[],
    message = issues.map((i) => (i.path.length ? `${formatPath(i.path)}: ${i.message}` : i.message)).join('; '),
  ) {
    super(message);
  }
}

/** A write was based on a stale version. Rendered as HTTP 409. */
export class ConflictError extends codedError('ConflictError', 'CONFLICT') {
  constructor(
    readonly key: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`"${key}" is at version ${actualVersion}, not ${expectedVersion}; read it again and retry`);
  }
}

/** The backend cannot be reached or did not answer in time. Rendered as HTTP 503, CLI exit 3. */
export class StoreUnavailableError extends codedError('StoreUnavailableError', 'STORE_UNAVAILABLE') {}

/** `a.b[2].c` from `['a', 'b', 2, 'c']`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
