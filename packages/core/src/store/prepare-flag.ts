import { ConflictError, ValidationError } from '../errors/store-errors';
import { parseDefinition } from '../schema/parse-definition';
import type { FlagDefinition } from '../types/flag';
import type { FlagWrite, StoredFlag, WriteOptions } from './store';

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
  return recordOf(parseDefinition(input), current, options.expectedVersion, now.toISOString());
}

/** The record a write of an already parsed definition stores. */
function recordOf(definition: FlagDefinition, current: StoredFlag | undefined, expectedVersion: number | undefined, at: string): StoredFlag {
  checkExpectedVersion(definition.key, current?.version ?? 0, expectedVersion);
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

/**
 * The checks that open every `upsertFlags`, before any I/O: the batch is an array of `{ definition,
 * expectedVersion? }` with no other keys, every definition is valid (the issue path starts with the
 * batch index) and no key is named twice. Returns the parsed definitions in input order.
 */
export function parseFlagWrites(writes: unknown): FlagDefinition[] {
  if (!Array.isArray(writes)) throw new ValidationError([{ path: [], message: 'writes must be an array of { definition, expectedVersion? }' }]);
  const seen = new Map<string, number>();
  return writes.map((write: unknown, i) => {
    if (typeof write !== 'object' || write === null || Array.isArray(write)) {
      throw new ValidationError([{ path: [i], message: 'expected { definition, expectedVersion? }' }]);
    }
    for (const name of Object.keys(write)) {
      if (name !== 'definition' && name !== 'expectedVersion') throw new ValidationError([{ path: [i, name], message: 'unknown key (expected definition, expectedVersion)' }]);
    }
    const { definition, expectedVersion } = write as FlagWrite;
    if (expectedVersion !== undefined && !(Number.isInteger(expectedVersion) && expectedVersion >= 0)) {
      throw new ValidationError([{ path: [i, 'expectedVersion'], message: 'expected a whole number >= 0' }]);
    }
    let parsed: FlagDefinition;
    try {
      parsed = parseDefinition(definition);
    } catch (err) {
      if (err instanceof ValidationError) throw new ValidationError(err.issues.map((issue) => ({ ...issue, path: [i, 'definition', ...issue.path] })));
      throw err;
    }
    const first = seen.get(parsed.key);
    if (first !== undefined) throw new ValidationError([{ path: [i, 'definition', 'key'], message: `"${parsed.key}" is already written by item ${first}` }]);
    seen.set(parsed.key, i);
    return parsed;
  });
}

/**
 * Plans an `upsertFlags` batch against the current records (`currentOf`, read inside the adapter's
 * transaction): checks every `expectedVersion` (the first stale one throws `ConflictError`) and
 * builds the records to write, all with the same timestamp. Nothing is written if this throws.
 */
export function prepareFlagWrites(
  writes: readonly FlagWrite[],
  parsed: readonly FlagDefinition[],
  currentOf: (key: string) => StoredFlag | undefined,
  now: Date = new Date(),
): StoredFlag[] {
  const at = now.toISOString();
  return parsed.map((definition, i) => recordOf(definition, currentOf(definition.key), writes[i]!.expectedVersion, at));
}
