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

  it('idle() resolves at once when nothing runs', async () => {
    const task = new TrailingTask(async () => undefined);
    await expect(task.idle()).resolves.toBeUndefined();
  });
});
