import { ValidationError } from '@switchyard/core';
import type { ListRunsOptions, RunSummary } from './types';

/**
 * The last `capacity` run summaries, newest overwriting oldest. Held per runner instance: runs
 * made by other processes sharing the store are not listed.
 */
export class RecentRuns {
  private readonly slots: (RunSummary | undefined)[];
  /** Index the next summary is written to. */
  private next = 0;

  constructor(private readonly capacity: number) {
    this.slots = new Array<RunSummary | undefined>(capacity);
  }

  add(summary: RunSummary): void {
    if (this.capacity === 0) return;
    this.slots[this.next] = summary;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first, filtered by product and feature tag, at most `limit`. */
  list(options: ListRunsOptions = {}): RunSummary[] {
    const { limit, product, featureTag } = options;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new ValidationError([{ path: ['limit'], message: 'must be a positive integer' }]);
    const out: RunSummary[] = [];
    for (let i = 1; i <= this.capacity && (limit === undefined || out.length < limit); i++) {
      const run = this.slots[(this.next - i + this.capacity) % this.capacity];
      if (!run) break;
      if (product !== undefined && run.product !== product) continue;
      if (featureTag !== undefined && run.feature_tag !== featureTag) continue;
      out.push(run);
    }
    return out;
  }
}
