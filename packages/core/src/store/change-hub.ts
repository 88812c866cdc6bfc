import type { StoreChange, StoreListener, StoreOptions } from './store';
// Building blocks for storage adapters: change payloads, subscriber fan-out and argument checks,
// so every adapter parses and refuses the same things the same way.

/** Parses a change payload published by an adapter (JSON of a `StoreChange`); anything else is `undefined`. */
export function decodeChange(payload: string): StoreChange | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Record<string, unknown>;
  if (typeof c.origin !== 'string') return undefined;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  switch (c.kind) {
    case 'flags':
    case 'values':
      return strings(c.keys) ? { kind: c.kind, keys: c.keys, origin: c.origin } : undefined;
    case 'features':
      return strings(c.features) ? { kind: 'features', features: c.features, origin: c.origin } : undefined;
    case 'reset':
      return { kind: 'reset', origin: c.origin };
    default:
      return undefined;
  }
}

/** The subscribers of one store; a throwing subscriber is logged and does not stop the others. */
export class ChangeHub {
  readonly #listeners = new Set<StoreListener>();

  constructor(private readonly logger: NonNullable<StoreOptions['logger']>) {}

  subscribe(listener: StoreListener): () => void {
    // Wrapped so the same function subscribed twice gets two independent subscriptions.
    const entry: StoreListener = (change) => listener(change);
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  emit(change: StoreChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (err) {
        this.logger.error('store subscriber threw', { error: err instanceof Error ? err.message : String(err), change: change.kind });
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }

  clear(): void {
    this.#listeners.clear();
  }
}

/** The logger adapters use when the caller gives none: warnings and errors on the console. */
export const consoleStoreLogger: NonNullable<StoreOptions['logger']> = {
  warn: (msg, data) => console.warn(msg, data ?? ''),
  error: (msg, data) => console.error(msg, data ?? ''),
};
