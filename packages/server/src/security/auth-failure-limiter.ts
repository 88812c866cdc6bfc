export interface AuthFailureLimit {
  /** Refused authentications allowed per client address and window; the next one starts a lockout. `0` disables the limit. Default 20. */
  failures: number;
  /** Window the failures are counted in, in seconds. Default 60. */
  windowSeconds: number;
  /** First lockout, in seconds; each further lockout of the same address doubles it. Default 60. */
  lockoutSeconds?: number;
  /** Longest lockout, in seconds. Default 3600. */
  maxLockoutSeconds?: number;
}

export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = { failures: 20, windowSeconds: 60, lockoutSeconds: 60, maxLockoutSeconds: 3600 };

/** At most this many addresses are tracked; the oldest entries go first past it (memory stays bounded under address spraying). */
const MAX_TRACKED = 100_000;

interface Entry {
  /** Failures in the current window. */
  failures: number;
  windowStart: number;
  /** Locked out until this time (ms), or 0. */
  lockedUntil: number;
  /** Lockouts so far; the next lasts `lockout × 2^strikes`. */
  strikes: number;
  /** When the last lockout ended: strikes are forgotten after a quiet `maxLockout`. */
  lastLockoutEnd: number;
}

/**
 * Counts refused authentications per client address (in memory, per instance) and locks an
 * address out once it refused too often: while locked out, every request to a protected route
 * from it is answered 429 with `Retry-After` *before credentials are checked*, right or wrong,
 * so the lockout is not an oracle a guesser can keep learning from. Each lockout of the same
 * address lasts twice as long as the one before (60 s, 2 min, 4 min… up to an hour), and the
 * count starts over once the address has stayed quiet for the longest lockout.
 *
 * Requests without credentials are never counted: an attacker cannot lock users out by sending
 * nothing. The check is synchronous: it runs on every authenticated request.
 */
export class AuthFailureLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly windowMs: number;
  private readonly lockoutMs: number;
  private readonly maxLockoutMs: number;

  constructor(
    readonly limit: AuthFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = limit.windowSeconds * 1000;
    this.lockoutMs = (limit.lockoutSeconds ?? DEFAULT_AUTH_FAILURE_LIMIT.lockoutSeconds!) * 1000;
    this.maxLockoutMs = Math.max(this.lockoutMs, (limit.maxLockoutSeconds ?? DEFAULT_AUTH_FAILURE_LIMIT.maxLockoutSeconds!) * 1000);
  }

  get enabled(): boolean {
    return this.limit.failures > 0;
  }

  /** Seconds `client` must still wait when it is locked out, else `undefined`. */
  lockedOut(client: string): number | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(client);
    if (!entry || entry.lockedUntil === 0) return undefined;
    const left = entry.lockedUntil - this.now();
    if (left > 0) return Math.max(1, Math.ceil(left / 1000));
    // The lockout is over: a fresh window of failures starts.
    entry.lockedUntil = 0;
    entry.failures = 0;
    entry.windowStart = this.now();
    return undefined;
  }

  /**
   * Records one refused authentication from `client`. Returns the seconds to wait when this
   * failure started a lockout, else `undefined`.
   */
  fail(client: string): number | undefined {
    if (!this.enabled) return undefined;
    const now = this.now();
    let entry = this.entries.get(client);
    if (entry && entry.strikes > 0 && entry.lockedUntil === 0 && now - entry.lastLockoutEnd > this.maxLockoutMs) entry.strikes = 0;
    if (!entry) {
      if (this.entries.size >= MAX_TRACKED) this.evict(now);
      entry = { failures: 0, windowStart: now, lockedUntil: 0, strikes: 0, lastLockoutEnd: 0 };
      this.entries.set(client, entry);
    }
    if (entry.lockedUntil > now) return Math.max(1, Math.ceil((entry.lockedUntil - now) / 1000));
    if (now - entry.windowStart >= this.windowMs) {
      entry.failures = 0;
      entry.windowStart = now;
    }
    entry.failures++;
    if (entry.failures <= this.limit.failures) return undefined;
    const duration = Math.min(this.maxLockoutMs, this.lockoutMs * 2 ** entry.strikes);
    entry.strikes++;
    entry.lockedUntil = now + duration;
    entry.lastLockoutEnd = entry.lockedUntil;
    entry.failures = 0;
    return Math.ceil(duration / 1000);
  }

  /** Addresses tracked right now (for tests and metrics). */
  get tracked(): number {
    return this.entries.size;
  }

  /** Drops entries that hold nothing any more, then the oldest ones if still too many. */
  private evict(now: number): void {
    for (const [client, e] of this.entries) {
      const quiet = e.lockedUntil <= now && now - e.windowStart >= this.windowMs && (e.strikes === 0 || now - e.lastLockoutEnd > this.maxLockoutMs);
      if (quiet) this.entries.delete(client);
    }
    const excess = this.entries.size - MAX_TRACKED + 1;
    if (excess <= 0) return;
    let n = 0;
    for (const client of this.entries.keys()) {
      if (n++ >= excess) break;
      this.entries.delete(client);
    }
  }
}
