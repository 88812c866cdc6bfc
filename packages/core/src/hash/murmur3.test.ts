import fc from 'fast-check';
import murmurHash3 from 'murmurhash3js-revisited';
import { describe, expect, it } from 'vitest';
import { bucketOf, createBucketer } from './bucket';
import { murmur3 } from './murmur3';
import { runs } from '../../../../tooling/testing/property.ts';

// The reference: an independent, widely used byte-array implementation of MurmurHash3 x86_32.
const reference = (bytes: Uint8Array, seed = 0): number => murmurHash3.x86.hash32(bytes, seed);

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('murmur3 (x86_32 over UTF-8)', () => {
  it.each([
    ['', 0, 0x00000000],
    ['', 1, 0x514e28b7],
    ['hello', 0, 0x248bfa47],
    ['test', 0, 0xba6bd213],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
  ])('matches the published vector for %j (seed %d)', (text, seed, expected) => {
    expect(murmur3(text, seed)).toBe(expected);
  });

  it.each([
    ['héllo wörld', 0x97f7f274],
    ['日本語', 0xa5a47297],
    ['😀', 0xbeb42efa],
  ])('hashes the UTF-8 bytes of non-ASCII text %j', (text, expected) => {
    expect(murmur3(text)).toBe(expected);
    expect(murmur3(text)).toBe(reference(utf8(text)));
  });

  it('agrees with a byte-array implementation (murmurhash3js-revisited) for any string (lone surrogates encode as U+FFFD)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 0, max: 0xffffffff }), (text, seed) => {
        expect(murmur3(text, seed)).toBe(reference(utf8(text), seed));
      }),
      { numRuns: runs(2000) },
    );
  });
});

describe('bucketing', () => {
  it('places units with the documented formula: fmix32(murmur3(unit) ^ murmur3(seed)) / 2^32 * 100', () => {
    expect(bucketOf('new-checkout', 'user-1')).toBeCloseTo(24.276984483003616, 12);
    expect(bucketOf('new-checkout', 'user-2')).toBeCloseTo(28.740117326378822, 12);
    expect(bucketOf('purchase_button_component', 'alice')).toBeCloseTo(99.47720081545413, 12);
    expect(bucketOf('s3-split', 'u-fixed-user-0000001')).toBeCloseTo(63.152906158939004, 12);
    let h = (murmur3('y') ^ murmur3('x')) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    expect(bucketOf('x', 'y')).toBe(((h >>> 0) / 2 ** 32) * 100);
  });

  it('a prepared bucketer agrees with bucketOf, also when units alternate', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 8 }), (seed, units) => {
        const b = createBucketer(seed);
        for (const u of [...units, ...units.reverse()]) expect(b(u)).toBe(bucketOf(seed, u));
      }),
    );
  });

  it('always lands in [0, 100) and is stable for the same unit', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (seed, unit) => {
        const b = createBucketer(seed);
        const p = b(unit);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(100);
        expect(b(unit)).toBe(p);
      }),
    );
  });
});
