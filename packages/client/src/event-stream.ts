import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { backoffDelay, type BackoffOptions } from './backoff';
import { ServerUnavailableError } from './errors';
import type { Http } from './http';

export interface EventStreamOptions {
  http: Http;
  path: string;
  backoff?: BackoffOptions;
  /** Reconnect when nothing (not even a heartbeat) arrived for this long. Default 45 s (the server sends a heartbeat every 15 s). */
  idleTimeoutMs?: number;
  /** The stream is open. `resumed`: it was opened with `Last-Event-ID`, so the server replays what was missed (or sends `reset`). */
  onOpen(resumed: boolean): void;
  onEvent(message: EventSourceMessage): void;
  /** The stream failed or ended; a reconnection follows after `retryInMs`. */
  onDown(error: Error, retryInMs: number): void;
}

/**
 * A Server-Sent Events connection that reconnects with backoff and resumes with `Last-Event-ID`.
 * Runs until `close()`.
 */
export class EventStream {
  private lastEventId: string | undefined;
  private controller: AbortController | undefined;
  private closed = false;
  private attempt = 0;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(private readonly options: EventStreamOptions) {
    this.done = this.run();
  }

  /** Drops the current connection (if any) and reconnects after the usual backoff; `onDown` receives `reason`. */
  reconnect(reason: Error): void {
    this.controller?.abort(reason);
  }

  /** Forgets the last event id, so the next connection starts without replay. */
  forgetPosition(): void {
    this.lastEventId = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.controller?.abort();
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const error = await this.connectOnce();
      if (this.closed) return;
      const delay = backoffDelay(this.attempt++, this.options.backoff);
      this.options.onDown(error, delay);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** One connection, until it fails or ends; resolves to why it stopped. */
  private async connectOnce(): Promise<Error> {
    const controller = new AbortController();
    this.controller = controller;
    const idleMs = this.options.idleTimeoutMs ?? 45_000;
    const idle = setTimeout(() => controller.abort(new ServerUnavailableError(`no data on the event stream for ${idleMs} ms`)), idleMs);
    idle.unref?.();
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
      const resumed = this.lastEventId !== undefined;
      if (resumed) headers['Last-Event-ID'] = this.lastEventId!;
      const res = await this.options.http.open(this.options.path, headers, controller.signal);
      if (!res.body) return new ServerUnavailableError(`GET ${this.options.path}: the response has no body`);
      idle.refresh();
      this.attempt = 0;
      this.options.onOpen(resumed);
      const parser = createParser({
        onEvent: (message) => {
          if (message.id !== undefined) this.lastEventId = message.id;
          this.options.onEvent(message);
        },
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          idle.refresh();
          parser.feed(value);
        }
      } finally {
        reader.releaseLock();
      }
      return new ServerUnavailableError('the server ended the event stream');
    } catch (err) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : err;
      return reason instanceof Error ? reason : new ServerUnavailableError(String(reason));
    } finally {
      clearTimeout(idle);
      if (!controller.signal.aborted) controller.abort();
    }
  }
}
