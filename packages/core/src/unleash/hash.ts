import { murmur3 } from '../hash/murmur3';

/** Unleash's seed for variant hashing (strategies hash with seed 0). */
export const VARIANT_SEED = 86028157;

/**
 * Unleash's normalized hash: `murmur3_x86_32(utf8(groupId + ":" + id), seed) % normalizer + 1`, a
 * number in 1..normalizer. Strategies use seed 0 and normalizer 100 (a percentage); variants use
 * seed 86028157 and the sum of the variant weights.
 */
export function normalizedHash(id: string, groupId: string, normalizer: number, seed = 0): number {
  return (murmur3(`${groupId}:${id}`, seed) % normalizer) + 1;
}
