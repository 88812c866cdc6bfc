import { prefixedMurmur3 } from './murmur3';

const TWO_POW_32 = 4294967296;

/**
 * Sticky bucketing. A unit (the stickiness attribute's value) lands on a point in [0, 100):
 *
 *   point = murmur3_x86_32(utf8(seed + "/" + unit), 0) / 2^32 * 100
 *
 * `seed` defaults to the flag key, so flags bucket independently of each other and changing one
 * flag's weights never moves units of another flag. Weights are compared cumulatively in the
 * order written: the first variant whose running total exceeds the point wins.
 */
export function createBucketer(seed: string): (unit: string) => number {
  const hash = prefixedMurmur3(`${seed}/`);
  return (unit) => (hash(unit) / TWO_POW_32) * 100;
}

/** The point of one unit for one seed, without preparing a bucketer (tests, tools). */
export function bucketOf(seed: string, unit: string): number {
  return createBucketer(seed)(unit);
}
