import { murmur3 } from '../hash/murmur3';
import type { EvaluationContext } from '../types/context';

/** flagd's limit on one weight and on their sum. */
const MAX_WEIGHT = 2147483647;

/**
 * The bucket of a 32-bit hash among `totalWeight` units: `(hash * totalWeight) >> 32`, computed
 * exactly (the product needs up to 63 bits) without BigInt on the hot path.
 */
export function bucketOfHash(hash: number, totalWeight: number): number {
  const hi = hash >>> 16;
  const lo = hash & 0xffff;
  const a = hi * totalWeight; // < 2^47: exact
  const q = Math.floor(a / 65536);
  const r = a - q * 65536;
  return q + Math.floor((r * 65536 + lo * totalWeight) / 4294967296);
}

/**
 * flagd's `fractional` over its evaluated arguments. The first argument, when it is a string, is
 * the bucketing value; otherwise (also when it is `null`, which is then dropped) the value is
 * `flagKey + targetingKey`. Each further argument is `[variant, weight?]` (weight 1 when left out,
 * whole numbers, negative weights count as 0). The variant whose range holds
 * `(murmur3_x86_32(utf8(value), 0) * totalWeight) >> 32` wins. Anything malformed, a missing
 * targeting key or a zero total gives `null` (the default variant), as in flagd.
 */
export function fractional(args: readonly unknown[], flagKey: string, context: EvaluationContext): unknown {
  if (args.length === 0) return null;
  let bucketBy: string;
  let start = 0;
  const first = args[0];
  if (typeof first === 'string') {
    bucketBy = first;
    start = 1;
  } else {
    if (first === null || first === undefined) start = 1;
    const targetingKey = context.targetingKey;
    if (typeof targetingKey !== 'string' || targetingKey === '') return null;
    bucketBy = flagKey + targetingKey;
  }
  let total = 0;
  const n = args.length - start;
  const variants = new Array<unknown>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const entry = args[start + i];
    if (!Array.isArray(entry) || entry.length === 0) return null;
    const variant: unknown = entry[0];
    if (variant !== null && variant !== undefined && typeof variant !== 'string' && typeof variant !== 'boolean' && typeof variant !== 'number') return null;
    let weight = 1;
    if (entry.length >= 2 && entry[1] !== null && entry[1] !== undefined) {
      const w: unknown = entry[1];
      if (typeof w !== 'number' || !Number.isInteger(w) || w > MAX_WEIGHT) return null;
      weight = w < 0 ? 0 : w;
    }
    variants[i] = variant ?? null;
    weights[i] = weight;
    total += weight;
  }
  if (total === 0 || total > MAX_WEIGHT) return null;
  const bucket = bucketOfHash(murmur3(bucketBy), total);
  let end = 0;
  for (let i = 0; i < n; i++) {
    end += weights[i]!;
    if (bucket < end) return variants[i];
  }
  return null;
}
