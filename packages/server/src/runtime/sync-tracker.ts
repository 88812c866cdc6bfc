/**
 * Lets a write wait until the engine reflects it: `EngineSync` reports applied keys through
 * `onSync`, and a write registered with `expect` resolves once its keys (or a full resync) were
 * applied, or after `timeoutMs` when the store's change events are slow.
 */
export class SyncTracker {
  private readonly waiters = new Set<{ keys: ReadonlySet<string>; resolve: () => void }>();

  constructor(private readonly timeoutMs = 2000) {}

  /** For `EngineSync`'s `onSync` option. */
  readonly onSync = (keys: string[]): void => {
    const all = keys.includes('*');
    for (const w of this.waiters) {
      if (all || keys.some((k) => w.keys.has(k))) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
  };

  /** Call before writing; await the result after the write succeeded. */
  expect(keys: readonly string[]): { done: Promise<void>; cancel: () => void } {
    let waiter!: { keys: ReadonlySet<string>; resolve: () => void };
    const done = new Promise<void>((resolve) => {
      waiter = {
        keys: new Set(keys),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.add(waiter);
    });
    const timer = setTimeout(() => {
      this.waiters.delete(waiter);
      waiter.resolve();
    }, this.timeoutMs);
    timer.unref?.();
    return {
      done,
      cancel: () => {
        this.waiters.delete(waiter);
        waiter.resolve();
      },
    };
  }

  /** Runs a store write and resolves once the engine shows its effect on `keys` (unless `changed` says the write changed nothing). */
  async write<T>(keys: readonly string[], write: () => Promise<T>, changed?: (result: T) => boolean): Promise<T> {
    if (keys.length === 0) return write();
    const pending = this.expect(keys);
    try {
      const result = await write();
      if (changed && !changed(result)) pending.cancel();
      await pending.done;
      return result;
    } catch (err) {
      pending.cancel();
      throw err;
    }
  }
}
