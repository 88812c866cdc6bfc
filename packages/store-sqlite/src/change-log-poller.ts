import type { StoreChange, StoreOptions } from '@switchyard/core';
import type { ChangeRow, Statements } from './statements';

export type ChangeKind = 'flags' | 'values' | 'features';

export function toChange(kind: ChangeKind, keys: string[], origin: string): StoreChange {
  return kind === 'features' ? { kind, features: keys, origin } : { kind, keys, origin };
}

export interface ChangeLogPollerOptions {
  clientId: string;
  intervalMs: number;
  /** The prepared statements, migrating on first use (may throw). */
  statements: () => Statements;
  /** The prepared statements when the store is open and prepared, else `undefined` (the tick does nothing). */
  prepared: () => Statements | undefined;
  /** Runs `fn` in one read transaction (one snapshot). */
  snapshot: <T>(fn: () => T) => unknown;
  emit: (change: StoreChange) => void;
  logger: StoreOptions['logger'];
}

/**
 * The change feed of the SQLite store between connections: a cheap `PRAGMA data_version` per tick,
 * and the change log read only after another connection committed. Rows this client never saw
 * having been pruned is a gap, reported as `reset` (the `ChangeFeed` contract).
 */
export class ChangeLogPoller {
  #timer: NodeJS.Timeout | undefined;
  #lastChangeId = 0;
  #lastDataVersion = 0;

  constructor(private readonly options: ChangeLogPollerOptions) {}

  start(): void {
    if (this.#timer) return;
    try {
      const s = this.options.statements();
      this.#lastChangeId = s.lastChangeId.get() as number;
      this.#lastDataVersion = s.dataVersion.get() as number;
    } catch (err) {
      this.options.logger?.error('sqlite change feed could not start', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    this.#timer = setInterval(() => this.#poll(), this.options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #poll(): void {
    const s = this.options.prepared();
    if (!s) return;
    const { clientId, emit } = this.options;
    try {
      const version = s.dataVersion.get() as number;
      if (version === this.#lastDataVersion) return;
      this.#lastDataVersion = version;
      for (;;) {
        // One snapshot for the rows and the sequence, so a concurrent commit cannot look like a gap.
        const after = this.#lastChangeId;
        const { rows, sequence } = this.options.snapshot(() => ({
          rows: s.changesSince.all(after) as ChangeRow[],
          sequence: s.lastChangeId.get() as number,
        })) as { rows: ChangeRow[]; sequence: number };
        const first = rows[0];
        if (first === undefined ? sequence > this.#lastChangeId : first.id > this.#lastChangeId + 1) {
          // Rows this client never saw were pruned: state may have changed in ways it cannot replay.
          emit({ kind: 'reset', origin: clientId });
          if (first === undefined) this.#lastChangeId = sequence;
        }
        for (const row of rows) {
          this.#lastChangeId = row.id;
          if (row.origin === clientId) continue;
          emit(toChange(row.kind as ChangeKind, JSON.parse(row.keys) as string[], row.origin));
        }
        if (rows.length < 1000) return;
      }
    } catch (err) {
      this.options.logger?.warn('sqlite change feed poll failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
