import { ConflictError } from '../errors/store-errors';
import { parseDefinition } from '../schema/parse-definition';
import type { FlagDefinition } from '../types/flag';
import type { StoredFlag, WriteOptions } from './store';

/**
 * The shared part of every adapter's `upsertFlag`: validates the definition (throws `ValidationError`),
 * checks `expectedVersion` against the current record (throws `ConflictError`) and builds the record to write.
 */
export function prepareFlagWrite(
  input: FlagDefinition,
  current: StoredFlag | undefined,
  options: WriteOptions = {},
  now: Date = new Date(),
): StoredFlag {
  const definition = parseDefinition(input);
  checkExpectedVersion(definition.key, current?.version ?? 0, options.expectedVersion);
  const at = now.toISOString();
  return {
    definition: { ...definition, source: definition.source ?? { kind: 'store' } },
    version: (current?.version ?? 0) + 1,
    createdAt: current?.createdAt ?? at,
    updatedAt: at,
  };
}

/** Throws `ConflictError` when the caller expected another version. */
export function checkExpectedVersion(key: string, actual: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== actual) throw new ConflictError(key, expected, actual);
}
