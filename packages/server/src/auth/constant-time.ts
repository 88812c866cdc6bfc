import * as crypto from 'node:crypto';

const { createHash, timingSafeEqual } = crypto;
// One-shot hashing (Node ≥ 20.12) skips the Hash object; it runs on every authenticated request.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

/** SHA-256 digest; comparing digests keeps the comparison length-independent. */
export function digest(secret: string): Buffer {
  return oneShot ? oneShot('sha256', secret, 'buffer') : createHash('sha256').update(secret, 'utf8').digest();
}

/** Compares a presented secret with a stored digest in constant time. */
export function matchesDigest(presented: Buffer, stored: Buffer): boolean {
  return timingSafeEqual(presented, stored);
}

/**
 * Index of the entry whose digest equals `presented`'s, checking every entry (no early exit),
 * or -1. The time taken does not depend on which entry matched or how much of it did.
 */
export function findDigest(presented: string, digests: readonly Buffer[]): number {
  const d = digest(presented);
  let found = -1;
  for (let i = 0; i < digests.length; i++) {
    if (matchesDigest(d, digests[i]!) && found === -1) found = i;
  }
  return found;
}
