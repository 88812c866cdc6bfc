import { Client, escapeIdentifier, type ClientConfig } from 'pg';
import type { StoreOptions } from '@switchyard/core';

export interface NotifyListenerOptions {
  config: ClientConfig;
  channel: string;
  logger: NonNullable<StoreOptions['logger']>;
  onPayload: (payload: string) => void;
  /** Called after a lost connection was re-established and the channel is listened to again. */
  onReconnect: () => void;
  /** Longest wait between attempts. */
  maxReconnectDelayMs: number;
}

const MIN_BACKOFF_MS = 50;

/**
 * A dedicated connection that LISTENs on one channel. Pooled connections cannot listen (they are
 * handed to other queries), so this one stays open, and when it is lost it reconnects on its own
 * with exponential backoff and jitter, then reports the reconnect so subscribers resynchronize.
 */
export class NotifyListener {
  #client: Client | undefined;
  #closed = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  /** A connection was lost or refused before: the next successful one must report a reconnect. */
  #interrupted = false;
  #firstConnect: Promise<void>;
  #resolveFirst!: () => void;

  constructor(private readonly options: NotifyListenerOptions) {
    this.#firstConnect = new Promise((resolve) => (this.#resolveFirst = resolve));
    void this.#connect();
  }

  /** Resolves once the channel is listened to for the first time (or the listener was closed). */
  get listening(): Promise<void> {
    return this.#firstConnect;
  }

  /** True while a connection is established and listening. */
  get connected(): boolean {
    return this.#client !== undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#resolveFirst();
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  /** The backend pid of the listening connection, for diagnostics and tests. */
  get processId(): number | undefined {
    return (this.#client as unknown as { processID?: number } | undefined)?.processID;
  }

  async #connect(): Promise<void> {
    const client = new Client(this.options.config);
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (this.#closed) return;
      this.#interrupted = true;
      this.options.logger.warn('postgres: change listener lost its connection; reconnecting', { error: err?.message });
      this.#schedule();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => {
      if (msg.channel === this.options.channel && msg.payload !== undefined) this.options.onPayload(msg.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${escapeIdentifier(this.options.channel)}`);
    } catch (err) {
      onLost(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (lost) return;
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#attempt = 0;
    this.#resolveFirst();
    if (this.#interrupted) this.options.onReconnect();
    this.#interrupted = false;
  }

  #schedule() {
    const base = Math.min(MIN_BACKOFF_MS * 2 ** Math.min(this.#attempt, 16), this.options.maxReconnectDelayMs);
    this.#attempt++;
    const delay = base / 2 + Math.random() * (base / 2);
    this.#timer = setTimeout(() => void this.#connect(), delay);
    this.#timer.unref();
  }
}
