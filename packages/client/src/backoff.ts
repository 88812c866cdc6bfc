/**
 * Reconnection delays: the first retry is immediate (a server restart or a dropped proxy connection is
 * usually over at once), then exponential from `initialDelayMs` up to `maxDelayMs`, with jitter so clients
 * do not reconnect in lockstep. The 2 s cap keeps clients at most about 2 s behind a server that comes back.
 */
export interface BackoffOptions {
  /** Delay before the second reconnection attempt (the first is immediate). Default 250 ms. */
  initialDelayMs?: number;
  /** Longest delay between attempts. Default 2 s. */
  maxDelayMs?: number;
}

/**
 * The delay before attempt `attempt` (0-based): 0 for the first, then between half and all of
 * `min(max, initial·2^(attempt−1))`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 2_000;
  const ceiling = Math.min(max, initial * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
