/** Reconnection delays: exponential from `initialDelayMs` up to `maxDelayMs`, with jitter so clients do not reconnect in lockstep. */
export interface BackoffOptions {
  /** Delay before the first reconnection attempt. Default 250 ms. */
  initialDelayMs?: number;
  /** Longest delay between attempts. Default 30 s. */
  maxDelayMs?: number;
}

/** The delay before attempt `attempt` (0-based): between half and all of `min(max, initial·2^attempt)`. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 30_000;
  const ceiling = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
