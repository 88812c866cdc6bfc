import { describe, expect, it } from 'vitest';
import { ConflictError, type FlagDefinition, type FlagStore } from '@switchyard/core';
import { openStore } from '@switchyard/stores';
import { applyPlan, FLAG_BATCH_SIZE, planSteps } from './apply-plan';
import { planImport } from './import-plan';

const flag = (key: string, description?: string): FlagDefinition => ({ key, type: 'boolean', fallbackValue: false, ...(description ? { description } : {}) });
const key = (i: number) => `bulk.${String(i).padStart(5, '0')}`;

/** The flags and values of a store, versions and timestamps left out. */
async function contents(store: FlagStore) {
  const flags = (await store.listFlags()).map((f) => f.definition);
  const values = Object.fromEntries(Object.entries(await store.listValues()).map(([k, v]) => [k, { rootValue: v.rootValue, scopedValues: v.scopedValues }]));
  return { flags, values };
}

describe('applyPlan', () => {
  it('writes definitions in batches, reporting progress per batch, then the values', async () => {
    const store = await openStore('memory:');
    const count = FLAG_BATCH_SIZE * 2 + 500;
    const definitions = Array.from({ length: count }, (_, i) => flag(key(i)));
    const plan = await planImport(store, { definitions, values: { [key(0)]: { rootValue: true } } });
    const progress: number[] = [];
    const batches: number[] = [];
    const upsertFlags = store.upsertFlags.bind(store);
    store.upsertFlags = (writes, options) => (batches.push(writes.length), upsertFlags(writes, options));
    await applyPlan(store, plan, { onProgress: (done, total) => progress.push(done, total) });
    expect(batches).toEqual([FLAG_BATCH_SIZE, FLAG_BATCH_SIZE, 500]);
    expect(progress).toEqual([1000, count + 1, 2000, count + 1, count, count + 1, count + 1, count + 1]);
    expect(planSteps(plan)).toBe(count + 1);
    expect((await store.listFlags())).toHaveLength(count);
    expect((await store.getValues(key(0)))?.rootValue).toBe(true);
  });

  it('an import that fails half-way (a concurrent edit of a flag in the third batch) leaves the store as it was', async () => {
    const store = await openStore('memory:');
    const count = FLAG_BATCH_SIZE * 3;
    // Half the flags exist already (they will be changed), half are new.
    await store.upsertFlags(Array.from({ length: count / 2 }, (_, i) => ({ definition: flag(key(i * 2), 'stored') })));
    await store.setValues([{ key: key(0), value: true }]);
    const before = await contents(store);

    const definitions = Array.from({ length: count }, (_, i) => flag(key(i), 'imported'));
    const plan = await planImport(store, { definitions, values: { [key(2)]: { rootValue: true } } });
    // Someone edits a flag of the last batch after the plan was made.
    const edited = key(count - 2);
    await store.upsertFlag(flag(edited, 'edited elsewhere'));
    const expected = await contents(store);
    expect(expected).not.toEqual(before);

    const err = await applyPlan(store, plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).key).toBe(edited);
    // The first two batches were undone: every flag and value as it was (with the concurrent edit kept).
    expect(await contents(store)).toEqual(expected);
  });

  it('undoes the definitions when the value write fails', async () => {
    const store = await openStore('memory:');
    await store.upsertFlag(flag('kept', 'stored'));
    const before = await contents(store);
    const plan = await planImport(store, { definitions: [flag('kept', 'imported'), flag('added')], values: { added: { rootValue: true } } });
    // A definition the values no longer satisfy: the batch of values is refused after the definitions were written.
    plan.values[0]!.after = 'not a boolean';
    await expect(applyPlan(store, plan)).rejects.toThrow(/boolean/);
    expect(await contents(store)).toEqual(before);
  });
});
