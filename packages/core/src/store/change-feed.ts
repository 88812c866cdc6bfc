/** What changed. `reset` means "state may have changed arbitrarily; read it all again" (after a gap). */
export type StoreChange =
  | { kind: 'flags'; keys: string[]; origin: string }
  | { kind: 'values'; keys: string[]; origin: string }
  | { kind: 'features'; features: string[]; origin: string }
  | { kind: 'reset'; origin: string };

export type StoreListener = (change: StoreChange) => void;

/**
 * Change subscription. Every adapter keeps this contract; the conformance suite
 * (`@switchyard/store-test-suite`, `cases/change-feed.ts` and `cases/subscribe.ts`) checks it on each.
 *
 * **When.** A write through this client that changed something calls this client's listeners
 * synchronously after it committed and before its promise resolves. Refused writes, writes that
 * change nothing (`deleteFlag` of an absent key, `setFeatureValue` with `onlyIfAbsent` on a stored
 * result, `updateFeatureValues` of a feature without results) and cache writes report nothing.
 * With `capabilities.propagation`, a change committed through another client on the same backend is
 * delivered asynchronously after its commit; a client never reports its own write a second time.
 *
 * **What.** One `StoreChange` per concern a write touched, with `origin` set to the writing
 * client's `clientId`: `flags` (upsert, delete), `values` (the distinct keys of a `setValues` batch,
 * and the key of a `deleteFlag` that removed values, after its `flags` change), `features`
 * (the features whose stored results changed). Key order inside one change is not meaningful.
 * Changes are hints to read again, not the new state: a listener reads what it needs from the store.
 *
 * **Order.** Each listener receives the changes of one writing client in that client's commit order.
 * Changes of different writers may interleave in any order.
 *
 * **At least once, resync on gap.** Every committed change reaches every listener of every client at
 * least once. When a client may have missed changes of others (its connection to the backend was lost,
 * the change log it follows was trimmed), it delivers `{ kind: 'reset', origin: <its own clientId> }`
 * once it can see changes again; a listener then reads everything it depends on. Treat changes as
 * idempotent: a repeated change, or a change followed by a `reset`, is harmless.
 *
 * **Listeners.** Subscribing the same function twice makes two subscriptions; the returned function
 * ends one of them, is idempotent, and takes effect at once (also for a change being delivered). A
 * listener that throws is logged through the store's `logger.error` and neither fails the write nor
 * keeps the other listeners from being called. After `close()` no listener is called.
 */
export interface ChangeFeed {
  /** Identifies this client in change events (`origin`), so it can tell its own writes apart. */
  readonly clientId: string;
  /** Calls `listener` for every change, as described on {@link ChangeFeed}; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void;
}
