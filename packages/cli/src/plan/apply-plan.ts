import type { FlagStore, StoredValues, ValueUpdate } from '@switchyard/core';
import { parseScopeKey, StoreUnavailableError } from '@switchyard/core';
import { valueUpdates, type ImportPlan } from './import-plan';

export interface ApplyOptions {
  actor?: string;
  /** Called after each write, with the number of steps done and the total (see `planSteps`). */
  onProgress?: (done: number, total: number) => void;
}

/** Definitions written per `upsertFlags` batch: large enough to be fast, small enough for steady progress. */
export const FLAG_BATCH_SIZE = 1000;

/** How many steps applying a plan takes: one per changed flag, one for all values. */
export function planSteps(plan: ImportPlan): number {
  return plan.flags.filter((f) => f.kind !== 'unchanged').length + (plan.values.length ? 1 : 0);
}

function restoreValues(key: string, values: StoredValues | undefined): ValueUpdate[] {
  if (!values) return [];
  const updates: ValueUpdate[] = [];
  if (values.rootValue !== undefined) updates.push({ key, value: values.rootValue });
  for (const [scopeId, value] of Object.entries(values.scopedValues ?? {})) updates.push({ key, value, scope: parseScopeKey(scopeId) ?? {} });
  return updates;
}

/**
 * Writes a plan: definitions first, in atomic batches of `FLAG_BATCH_SIZE` (each conditional on the
 * version it was planned against, so a concurrent edit aborts the import), then every value in one
 * atomic batch, then deletions. If
 * any write fails, the writes already made are undone in reverse order, so the store ends as it
 * was; the original error is rethrown (with a note if undoing failed too).
 */
export async function applyPlan(store: FlagStore, plan: ImportPlan, options: ApplyOptions = {}): Promise<void> {
  const actor = options.actor;
  const total = planSteps(plan);
  let done = 0;
  const step = (n = 1) => options.onProgress?.((done += n), total);
  const undo: (() => Promise<unknown>)[] = [];
  try {
    const writes = plan.flags.filter((change) => change.kind === 'added' || change.kind === 'changed');
    for (let i = 0; i < writes.length; i += FLAG_BATCH_SIZE) {
      const batch = writes.slice(i, i + FLAG_BATCH_SIZE);
      // Each definition conditional on the version it was planned against: a concurrent edit aborts the import.
      await store.upsertFlags(batch.map((change) => ({ definition: change.after!, expectedVersion: change.storedVersion ?? 0 })), { actor });
      const replaced = batch.flatMap((change) => (change.before ? [{ definition: change.before }] : []));
      const added = batch.filter((change) => !change.before).map((change) => change.key);
      undo.push(async () => {
        if (replaced.length) await store.upsertFlags(replaced, { actor });
        for (const key of added) await store.deleteFlag(key, { actor });
      });
      step(batch.length);
    }
    if (plan.values.length) {
      const updates = valueUpdates(plan.values);
      await store.setValues(updates, { actor });
      const reverse = plan.values.map((v) => ({ key: v.key, value: v.before ?? null, ...(v.scope ? { scope: v.scope } : {}) }));
      undo.push(() => store.setValues(reverse, { actor }));
      step();
    }
    for (const change of plan.flags) {
      if (change.kind !== 'removed') continue;
      const values = await store.getValues(change.key);
      await store.deleteFlag(change.key, { expectedVersion: change.storedVersion, actor });
      const before = change.before!;
      undo.push(async () => {
        await store.upsertFlag(before, { actor });
        const restore = restoreValues(change.key, values);
        if (restore.length) await store.setValues(restore, { actor });
      });
      step();
    }
  } catch (err) {
    const failures: string[] = [];
    for (const revert of undo.reverse()) {
      try {
        await revert();
      } catch (undoErr) {
        failures.push(undoErr instanceof Error ? undoErr.message : String(undoErr));
      }
    }
    if (failures.length) {
      const message = `${err instanceof Error ? err.message : String(err)}; undoing the ${undo.length} writes already made failed too (${failures[0]}), the store is partly imported`;
      throw new StoreUnavailableError(message, { cause: err });
    }
    throw err;
  }
}
