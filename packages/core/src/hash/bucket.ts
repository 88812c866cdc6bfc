import { fmix32, murmur3 } from './murmur3';

const TWO_POW_32 = 4294967296;

// The last unit hashed. Evaluating many flags for one context (evaluateAll, a request that reads
// several flags) hashes its unit once instead of once per flag.
let lastUnit = '';
let lastUnitHash = murmur3('');

function unitHash(unit: string): number {
  if (unit === lastUnit) return lastUnitHash;
  const h = murmur3(unit);
  lastUnit = unit;
  lastUnitHash = h;
  return h;
}

/**
 * Sticky bucketing. A unit (the stickiness attribute's value) lands on a point in [0, 100):
 *
 *   point = fmix32(murmur3_x86_32(utf8(unit), 0) XOR murmur3_x86_32(utf8(seed), 0)) / 2^32 * 100
 *
 * where fmix32 is murmur3's finalizer. `seed` defaults to the flag key, so flags bucket
 * independently of each other and changing one flag's weights never moves units of another flag.
 * The unit's hash does not depend on the flag, so evaluating many flags for one context hashes
 * the unit once. Weights are compared cumulatively in the order written: the first variant whose
 * running total exceeds the point wins.
 */
export function createBucketer(seed: string): (unit: string) => number {
  const seedHash = murmur3(seed);
  return (unit) => (fmix32(unitHash(unit) ^ seedHash) / TWO_POW_32) * 100;
}

/** The point of one unit for one seed, without preparing a bucketer (tests, tools). */
export function bucketOf(seed: string, unit: string): number {
  return (fmix32(murmur3(unit) ^ murmur3(seed)) / TWO_POW_32) * 100;
}
