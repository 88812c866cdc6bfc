import { HttpError } from '../http/http-error';

/** Caps on open event streams (`GET /v1/stream`). */
export interface StreamLimits {
  /** Open streams per client address; the next one is refused with 429. Default 16. */
  perClient: number;
  /** Open streams in total; the next one is refused with 503. Default 1000. */
  total: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { perClient: 16, total: 1000 };

/**
 * Counts open event streams per client address and in total, so one client (or many) cannot hold
 * every socket and file descriptor of the process: past a cap the stream is refused before it
 * opens, and ordinary requests (`/health` included) keep being served.
 */
export class StreamSlots {
  private readonly byClient = new Map<string, number>();
  private open = 0;

  constructor(readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS) {}

  /** Takes a slot for `client`, or throws 429 (this client is at its cap) / 503 (the server is). Returns the release function. */
  acquire(client: string): () => void {
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.limits.perClient) {
      throw new HttpError('TOO_MANY_REQUESTS', `this address already has ${mine} open event streams, the most allowed per client; close one first`, undefined, { 'Retry-After': '5' });
    }
    if (this.open >= this.limits.total) {
      throw new HttpError('SERVICE_UNAVAILABLE', `the server holds its maximum of ${this.limits.total} open event streams; retry later`, undefined, { 'Retry-After': '5' });
    }
    this.byClient.set(client, mine + 1);
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left > 0) this.byClient.set(client, left);
      else this.byClient.delete(client);
    };
  }

  get size(): number {
    return this.open;
  }
}
