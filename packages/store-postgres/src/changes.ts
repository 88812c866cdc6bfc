import type { StoreChange, StoreListener, StoreOptions } from '@switchyard/core';

/** NOTIFY payloads must stay below 8000 bytes; keys are spread over several messages when needed. */
const MAX_PAYLOAD_BYTES = 7500;

/** The payloads announcing one change: the change as JSON, its key list split so each fits. */
export function encodeChange(change: StoreChange): string[] {
  const whole = JSON.stringify(change);
  if (Buffer.byteLength(whole) <= MAX_PAYLOAD_BYTES || change.kind === 'reset') return [whole];
  const names = change.kind === 'features' ? change.features : change.keys;
  const out: string[] = [];
  let batch: string[] = [];
  let size = 0;
  for (const name of names) {
    const cost = Buffer.byteLength(JSON.stringify(name)) + 1;
    if (batch.length && size + cost > MAX_PAYLOAD_BYTES - 200) {
      out.push(JSON.stringify(withNames(change, batch)));
      batch = [];
      size = 0;
    }
    batch.push(name);
    size += cost;
  }
  if (batch.length) out.push(JSON.stringify(withNames(change, batch)));
  return out;
}

function withNames(change: Exclude<StoreChange, { kind: 'reset' }>, names: string[]): StoreChange {
  return change.kind === 'features' ? { ...change, features: names } : { ...change, keys: names };
}

/** Parses a payload written by `encodeChange`; anything else is ignored. */
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
