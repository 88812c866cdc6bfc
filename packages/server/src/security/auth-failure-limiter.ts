import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface AuthFailureLimit {
  /** Refused authentications allowed per client address and window; `0` disables the limit. Default 20. */
  failures: number;
  /** Window length in seconds. Default 60. */
  windowSeconds: number;
}

export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = { failures: 20, windowSeconds: 60 };

/**
 * Counts refused authentications per client address (in memory, per instance). Successful
 * requests are never counted nor limited: only a client that keeps presenting wrong credentials
 * is slowed down, so a valid key keeps working even from an address that is being limited.
 */
export class AuthFailureLimiter {
  private readonly limiter: RateLimiterMemory | undefined;

  constructor(readonly limit: AuthFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT) {
    this.limiter = limit.failures > 0 ? new RateLimiterMemory({ points: limit.failures, duration: limit.windowSeconds }) : undefined;
  }

  /**
   * Records one refused authentication from `client`. Returns the seconds to wait when the client
   * went over the limit, else `undefined`.
   */
  async fail(client: string): Promise<number | undefined> {
    if (!this.limiter) return undefined;
    try {
      await this.limiter.consume(client);
      return undefined;
    } catch (rejection) {
      // rate-limiter-flexible rejects with a RateLimiterRes when the points run out; anything else is a bug.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    }
  }
}
