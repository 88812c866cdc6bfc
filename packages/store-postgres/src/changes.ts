import type { StoreChange } from '@switchyard/core';

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
