import { applyValueUpdates, ConflictError, entriesOf, ROOT_SCOPE_KEY, valuesFromEntries } from '@switchyard/core';
import type { FlagValue, MaintainedValues, ValueLayer, ValueUpdate } from '@switchyard/core';
import type { PoolClient } from 'pg';

/** One validated `setValues` call waiting for its transaction. */
export interface PendingBatch {
  updates: ValueUpdate[];
  keys: string[];
  actor: string;
  seededValuesOf: ((key: string) => MaintainedValues | undefined) | undefined;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** A row of the values table; `scoped_values` maps scope keys to values, JSON `null` marking a removed seeded value (`//` for the root). */
export interface ValuesRow {
  key: string;
  root_value: FlagValue | null;
  scoped_values: Record<string, FlagValue | null> | null;
  version: number;
}

/** Most `setValues` calls committed together in one transaction. */
const MAX_BATCHES_PER_COMMIT = 256;

/** What a group transaction writes for one key after applying every accepted batch. */
interface KeyState {
  values: ValueLayer | undefined;
  version: number;
  existed: boolean;
  touched: boolean;
}

export interface GroupCommitHooks {
  /** Runs `fn` in a transaction on a pooled connection. */
  transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T>;
  /** Locks the keys and reads their rows `FOR UPDATE`. */
  lockAndRead(c: PoolClient, keys: string[]): Promise<ValuesRow[]>;
  /** Writes final rows, audit rows (in order) and the change notifications of the accepted batches. */
  write(c: PoolClient, plan: WritePlan): Promise<void>;
  /** Called after commit for each accepted batch, in order, before its promise resolves. */
  committed(batch: PendingBatch): void;
}

export interface WritePlan {
  upserts: { key: string; values: ValueLayer; version: number }[];
  deletes: string[];
  audit: { actor: string; key: string; before: string; after: string }[];
  batches: PendingBatch[];
}

/**
 * Group commit for maintained values. Writes to one key are serialized by a lock held until
 * commit, so each of them would wait for its own WAL flush; instead, calls queued while a
 * transaction is in flight share the next one. Each call keeps its own semantics: its own
 * expectedVersion checks (a conflicting call is refused alone), its own version bump and audit
 * rows, its own change event. A failed transaction fails every call in it, and none is half-written.
 */
export class ValueWriter {
  #queue: PendingBatch[] = [];
  #running = false;

  constructor(private readonly hooks: GroupCommitHooks) {}

  submit(updates: ValueUpdate[], actor: string, seededValuesOf?: (key: string) => MaintainedValues | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ updates, keys: [...new Set(updates.map((u) => u.key))], actor, seededValuesOf, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length) {
        const group = this.#queue.splice(0, MAX_BATCHES_PER_COMMIT);
        await this.#commit(group);
      }
    } finally {
      this.#running = false;
    }
  }

  async #commit(group: PendingBatch[]): Promise<void> {
    let accepted: PendingBatch[] = [];
    const refused: { batch: PendingBatch; error: unknown }[] = [];
    try {
      await this.hooks.transaction(async (c) => {
        accepted = [];
        refused.length = 0;
        const keys = [...new Set(group.flatMap((b) => b.keys))];
        const rows = await this.hooks.lockAndRead(c, keys);
        const state = new Map<string, KeyState>();
        for (const row of rows) state.set(row.key, { values: maintained(row), version: row.version, existed: true, touched: false });
        const audit: WritePlan['audit'] = [];
        for (const batch of group) {
          const conflict = firstConflict(batch.updates, state);
          if (conflict) {
            refused.push({ batch, error: conflict });
            continue;
          }
          const next = applyValueUpdates((key) => state.get(key)?.values, batch.updates, batch.seededValuesOf);
          for (const key of batch.keys) {
            const before = state.get(key);
            const values = next.get(key);
            audit.push({
              actor: batch.actor,
              key,
              before: before?.values ? JSON.stringify(before.values) : 'null',
              after: values ? JSON.stringify(values) : 'null',
            });
            // A key with nothing left is removed; its version starts over.
            state.set(key, {
              values,
              version: values ? (before?.values ? before.version : 0) + 1 : 0,
              existed: before?.existed ?? false,
              touched: true,
            });
          }
          accepted.push(batch);
        }
        if (!accepted.length) return;
        const plan: WritePlan = { upserts: [], deletes: [], audit, batches: accepted };
        for (const [key, s] of state) {
          if (!s.touched) continue;
          if (s.values) plan.upserts.push({ key, values: s.values, version: s.version });
          else if (s.existed) plan.deletes.push(key);
        }
        await this.hooks.write(c, plan);
      });
    } catch (err) {
      for (const batch of group) batch.reject(err);
      return;
    }
    for (const { batch, error } of refused) batch.reject(error);
    for (const batch of accepted) {
      this.hooks.committed(batch);
      batch.resolve();
    }
  }
}

function firstConflict(updates: ValueUpdate[], state: Map<string, KeyState>): ConflictError | undefined {
  for (const u of updates) {
    if (u.expectedVersion === undefined) continue;
    const s = state.get(u.key);
    const actual = s?.values ? s.version : 0;
    if (actual !== u.expectedVersion) return new ConflictError(u.key, u.expectedVersion, actual);
  }
  return undefined;
}

export function maintained(row: ValuesRow): ValueLayer {
  const entries: [string, FlagValue | null][] = [];
  if (row.root_value !== null) entries.push([ROOT_SCOPE_KEY, row.root_value]);
  if (row.scoped_values !== null) for (const k of Object.keys(row.scoped_values)) entries.push([k, row.scoped_values[k]!]);
  return valuesFromEntries(entries) ?? {};
}

/** The `scoped_values` column of stored values: scoped values and removal markers (the root's under `//`); `null` when empty. */
export function scopedColumn(values: ValueLayer): string | null {
  const out: Record<string, FlagValue | null> = {};
  let any = false;
  for (const [k, value] of entriesOf(values)) {
    if (k === ROOT_SCOPE_KEY && value !== null) continue;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    any = true;
  }
  return any ? JSON.stringify(out) : null;
}
