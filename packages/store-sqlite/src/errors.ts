import { StoreUnavailableError } from '@switchyard/core';

/** Result codes meaning "the database cannot be used right now" rather than "the request is wrong". */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|CORRUPT|NOTADB|PROTOCOL|NOMEM|PERM|AUTH)/;

/** Maps busy/locked/I-O failures of SQLite to `StoreUnavailableError`; other errors pass through. */
export function mapSqliteError(err: unknown, path: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE.test(code)) {
    return new StoreUnavailableError(`sqlite database ${path} is unavailable (${code}): ${(err as Error).message}`, { cause: err });
  }
  return err;
}
