import { randomUUID } from 'node:crypto';

/** One change, as streamed to clients: which flag keys may evaluate differently now. */
export interface ChangeEvent {
  /** `<boot id>-<sequence>`: unique across restarts, ordered within one process. */
  id: string;
  seq: number;
  keys: string[];
  at: string;
}

export type FeedListener = (event: ChangeEvent) => void;

/**
 * A bounded history of engine changes with subscribers, for Server-Sent Events. A client that
 * reconnects with `Last-Event-ID` gets what it missed, or `undefined` from `since` when the id is
 * from another process or too old (then it must reload everything).
 */
export class ChangeFeed {
  readonly bootId = randomUUID().slice(0, 8);
  private readonly history: ChangeEvent[] = [];
  private readonly listeners = new Set<FeedListener>();
  private seq = 0;

  constructor(private readonly capacity = 1000) {}

  publish(keys: readonly string[]): ChangeEvent {
    const seq = ++this.seq;
    const event: ChangeEvent = { id: `${this.bootId}-${seq}`, seq, keys: [...keys], at: new Date().toISOString() };
    this.history.push(event);
    if (this.history.length > this.capacity) this.history.shift();
    for (const l of this.listeners) l(event);
    return event;
  }

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `lastEventId`, or `undefined` when they are no longer known. */
  since(lastEventId: string): ChangeEvent[] | undefined {
    const dash = lastEventId.lastIndexOf('-');
    if (dash <= 0 || lastEventId.slice(0, dash) !== this.bootId) return undefined;
    const seq = Number(lastEventId.slice(dash + 1));
    if (!Number.isInteger(seq) || seq < 0 || seq > this.seq) return undefined;
    if (seq === this.seq) return [];
    const first = this.history[0];
    if (!first || seq < first.seq - 1) return undefined;
    return this.history.filter((e) => e.seq > seq);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
