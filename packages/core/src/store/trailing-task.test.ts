import { describe, expect, it } from 'vitest';
import { TrailingTask } from './trailing-task';

describe('TrailingTask', () => {
  it('collapses triggers during a run into one more run, never two at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let release!: () => void;
    const task = new TrailingTask(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      if (runs === 1) await new Promise<void>((r) => (release = r));
      running--;
    });
    task.trigger();
    for (let i = 0; i < 10; i++) task.trigger();
    release();
    await task.idle();
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
    task.trigger();
    await task.idle();
    expect(runs).toBe(3);
  });

  it('never loses a trigger that lands as a run ends', async () => {
    let runs = 0;
    const task = new TrailingTask(async () => {
      runs++;
    });
    task.trigger();
    // Trigger on every microtask turn while the first run settles.
    for (let i = 0; i < 5; i++) {
      await Promise.resolve();
      task.trigger();
    }
    await task.idle();
    const before = runs;
    task.trigger();
    await task.idle();
    expect(runs).toBe(before + 1);
    expect(runs).toBeGreaterThanOrEqual(2);
  });

  it('runs again while the job reports work left, spaced by minIntervalMs', async () => {
    const starts: number[] = [];
    let left = 3;
    const task = new TrailingTask(async () => {
      starts.push(Date.now());
      return --left > 0;
    }, 30);
    task.trigger();
    await task.idle();
    expect(starts).toHaveLength(3);
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(55);
  });

  it('idle() resolves at once when nothing runs', async () => {
    const task = new TrailingTask(async () => undefined);
    await expect(task.idle()).resolves.toBeUndefined();
  });
});
