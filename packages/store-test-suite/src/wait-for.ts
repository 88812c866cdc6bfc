export interface WaitForOptions {
  /** Give up after this many milliseconds. Default 10 000: a wait ends as soon as its condition holds, so only a failure pays for it. */
  timeoutMs?: number;
  /** Check again after this many milliseconds. Default 10. */
  intervalMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false` and resolves with it.
 * Rejects when `timeoutMs` passes first (with the last error thrown by `check`, if any).
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitForOptions = {}): Promise<Exclude<T, false | undefined>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result as Exclude<T, false | undefined>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = options.description ?? 'condition';
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`${what} not met within ${timeoutMs} ms${reason}`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
