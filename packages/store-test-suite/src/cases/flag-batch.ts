import { expect } from 'vitest';
import { ConflictError, ValidationError, type FlagStore, type FlagWrite, type StoreChange } from '@switchyard/core';
import { describeCases, type SuiteContext } from '../context';
import { rejectionOf } from '../expect-error';
import { booleanFlag, numberFlag, stringFlag } from '../fixtures';
import { waitFor } from '../wait-for';

/** More keys than one PostgreSQL transaction can hold one lock each for with default settings. */
const LARGE_BATCH = 12_000;

/** The keys of every `flags` change a store reports (a change may arrive split over several messages). */
function flagKeysSeen(store: FlagStore): Set<string> {
  const seen = new Set<string>();
  store.subscribe((change: StoreChange) => {
    if (change.kind === 'flags') for (const key of change.keys) seen.add(key);
  });
  return seen;
}

/** What a failed batch must leave untouched: every flag, the audit entries of the keys and the change feed. */
async function snapshot(store: FlagStore, keys: string[]) {
  const audit = await Promise.all(keys.map((key) => store.listAudit({ key })));
  return { flags: await store.listFlags(), audit };
}

/** `upsertFlags`: many definitions in one atomic, audited write (imports, bulk edits). */
export const flagBatchCases = describeCases('flag batches', batchCases);

function batchCases({ test, client, options, capabilities }: SuiteContext): void {
  test('upsertFlags creates and replaces in one write: versions, input order, one audit entry per flag, one change', async () => {
    const store = await client();
    const existing = await store.upsertFlag(booleanFlag('batch.b'));
    const seen: StoreChange[] = [];
    store.subscribe((change) => void seen.push(change));
    const writes: FlagWrite[] = [
      { definition: stringFlag('batch.c'), expectedVersion: 0 },
      { definition: booleanFlag('batch.b', { enabled: false }), expectedVersion: 1 },
      { definition: numberFlag('batch.a') },
    ];
    const stored = await store.upsertFlags(writes, { actor: 'importer' });
    expect(stored.map((s) => [s.definition.key, s.version])).toEqual([['batch.c', 1], ['batch.b', 2], ['batch.a', 1]]);
    expect(stored[1]!.createdAt).toBe(existing.createdAt);
    expect(stored[0]!.definition).toEqual({ ...stringFlag('batch.c'), source: { kind: 'store' } });
    for (const s of stored) expect(await store.getFlag(s.definition.key)).toEqual(s);
    expect((await store.listFlags({ includeDisabled: false })).map((f) => f.definition.key)).toEqual(['batch.a', 'batch.c']);

    const [audit] = await store.listAudit({ key: 'batch.b', limit: 1 });
    expect(audit).toMatchObject({ actor: 'importer', action: 'flag.upsert', key: 'batch.b', before: booleanFlag('batch.b', { source: { kind: 'store' } }) });
    expect(audit!.after).toEqual(stored[1]!.definition);
    for (const key of ['batch.a', 'batch.c']) expect(await store.listAudit({ key })).toHaveLength(1);

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: 'flags' });
    expect(new Set((seen[0] as { keys: string[] }).keys)).toEqual(new Set(['batch.a', 'batch.b', 'batch.c']));
  });

  test('an empty batch writes and reports nothing', async () => {
    const store = await client();
    const seen: StoreChange[] = [];
    store.subscribe((change) => void seen.push(change));
    expect(await store.upsertFlags([])).toEqual([]);
    expect(await store.listFlags()).toEqual([]);
    expect(seen).toEqual([]);
  });

  test('one stale expectedVersion refuses the whole batch (ConflictError naming the flag): nothing written, audited or reported', async () => {
    const store = await client();
    await store.upsertFlag(booleanFlag('batch.kept'));
    await store.upsertFlag(booleanFlag('batch.kept'));
    const before = await snapshot(store, ['batch.kept', 'batch.new']);
    const seen: StoreChange[] = [];
    store.subscribe((change) => void seen.push(change));
    const err = await rejectionOf(
      store.upsertFlags([
        { definition: booleanFlag('batch.new'), expectedVersion: 0 },
        { definition: booleanFlag('batch.kept', { enabled: false }), expectedVersion: 1 },
      ]),
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ key: 'batch.kept', expectedVersion: 1, actualVersion: 2 });
    expect(await snapshot(store, ['batch.kept', 'batch.new'])).toEqual(before);
    expect(seen).toEqual([]);
  });

  test('an invalid item refuses the whole batch before anything is written (ValidationError with the item index)', async () => {
    const store = await client();
    await store.upsertFlag(booleanFlag('batch.kept'));
    const before = await snapshot(store, ['batch.kept', 'batch.new']);
    const cases: { writes: unknown; path: (string | number)[] }[] = [
      { writes: [{ definition: booleanFlag('batch.new') }, { definition: { key: 'bad', type: 'boolean', fallbackValue: 'yes' } }], path: [1, 'definition'] },
      { writes: [{ definition: booleanFlag('batch.new') }, { definition: booleanFlag('batch.new', { enabled: false }) }], path: [1, 'definition', 'key'] },
      { writes: [{ definition: booleanFlag('batch.new'), expectedVersoin: 0 }], path: [0, 'expectedVersoin'] },
      { writes: [{ definition: booleanFlag('batch.new'), expectedVersion: -1 }], path: [0, 'expectedVersion'] },
      { writes: [booleanFlag('batch.new')], path: [0] },
      { writes: { definition: booleanFlag('batch.new') }, path: [] },
    ];
    for (const { writes, path } of cases) {
      const err = await rejectionOf(store.upsertFlags(writes as FlagWrite[]));
      expect(err, JSON.stringify(writes)).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues[0]!.path.slice(0, path.length), JSON.stringify(writes)).toEqual(path);
    }
    expect(await snapshot(store, ['batch.kept', 'batch.new'])).toEqual(before);
  });

  test(
    `a batch of ${LARGE_BATCH.toLocaleString('en')} flags is written whole, and a later batch replaces them all`,
    async () => {
      const store = await client();
      const writes = Array.from({ length: LARGE_BATCH }, (_, i) => ({ definition: booleanFlag(`bulk.${String(i).padStart(5, '0')}`), expectedVersion: 0 }));
      await store.upsertFlags(writes);
      const again = await store.upsertFlags(writes.map((w) => ({ definition: { ...w.definition, enabled: false }, expectedVersion: 1 })));
      expect(again.every((s) => s.version === 2)).toBe(true);
      const listed = await store.listFlags();
      expect(listed).toHaveLength(LARGE_BATCH);
      expect(listed.every((f) => f.version === 2 && f.definition.enabled === false)).toBe(true);
      // Maintained values of as many keys in one batch (the same locking as flags).
      await store.setValues(writes.map((w) => ({ key: w.definition.key, value: true })));
      expect(Object.keys(await store.listValues())).toHaveLength(LARGE_BATCH);
    },
    options.slowTestTimeoutMs,
  );

  test.skipIf(!capabilities.propagation)(
    'a batch reaches other clients as changes naming every key (propagation)',
    async () => {
      const writer = await client();
      const reader = await client();
      const seen = flagKeysSeen(reader);
      // The reader is listening once a first write reaches it: no guessed delay.
      await writer.upsertFlag(booleanFlag('listening'));
      await waitFor(() => seen.has('listening'), { timeoutMs: options.propagationTimeoutMs, description: 'first flag change reaching the reader' });
      seen.clear();
      const keys = Array.from({ length: 2000 }, (_, i) => `spread.${i}`);
      await writer.upsertFlags(keys.map((key) => ({ definition: booleanFlag(key) })));
      await waitFor(() => seen.size === keys.length, { timeoutMs: options.propagationTimeoutMs, description: `${keys.length} keys announced` });
      expect([...seen].sort()).toEqual([...keys].sort());
    },
    options.slowTestTimeoutMs,
  );
}
