import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, changedKeys, checkSnapshot, type ClientSnapshot } from '../src/index';
import { boolFlag } from './helpers';

describe('backoffDelay', () => {
  it('retries at once, then stays between half and all of the capped exponential ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 120_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, initial, max, r) => {
        expect(backoffDelay(0, { initialDelayMs: initial, maxDelayMs: max }, () => r)).toBe(0);
        const ceiling = Math.min(max, initial * 2 ** Math.min(attempt - 1, 30));
        const d = backoffDelay(attempt, { initialDelayMs: initial, maxDelayMs: max }, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(d).toBeLessThanOrEqual(Math.ceil(ceiling));
      }),
    );
  });

  it('by default: at once, then doubling from 250 ms up to 2 s', () => {
    const top = (n: number) => backoffDelay(n, {}, () => 0.999999);
    expect([0, 1, 2, 3, 4, 5].map(top)).toEqual([0, 250, 500, 1000, 2000, 2000]);
    expect(top(40)).toBe(2000);
    expect(backoffDelay(1, {}, () => 0)).toBe(125);
  });
});

describe('changedKeys', () => {
  const base: ClientSnapshot = { definitions: [boolFlag('a', true), boolFlag('b', false)], values: { a: { rootValue: false } } };

  it('lists added, removed and modified keys only', () => {
    expect(changedKeys(undefined, base).sort()).toEqual(['a', 'b']);
    expect(changedKeys(base, structuredClone(base))).toEqual([]);
    expect(changedKeys(base, { definitions: [boolFlag('a', true), boolFlag('c', true)], values: { a: { rootValue: false } } }).sort()).toEqual(['b', 'c']);
    expect(changedKeys(base, { definitions: base.definitions, values: { a: { rootValue: true } } })).toEqual(['a']);
    expect(changedKeys(base, { definitions: [boolFlag('a', false), boolFlag('b', false)], values: base.values })).toEqual(['a']);
  });

  it('is empty exactly when the snapshots are equal', () => {
    const snapshot = fc.record({
      definitions: fc.uniqueArray(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), on: fc.boolean() }), { selector: (d) => d.key }).map((ds) => ds.map((d) => boolFlag(d.key, d.on))),
      // Snapshots come from JSON: plain objects, never null-prototype ones.
      values: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.record({ rootValue: fc.boolean() }, { noNullPrototype: true }), { noNullPrototype: true }),
    });
    fc.assert(
      fc.property(snapshot, snapshot, (x, y) => {
        const keys = changedKeys(x, y);
        const defined = new Set([...x.definitions, ...y.definitions].map((d) => d.key));
        for (const key of defined) {
          const dx = x.definitions.find((d) => d.key === key);
          const dy = y.definitions.find((d) => d.key === key);
          const same = JSON.stringify(dx) === JSON.stringify(dy) && (dy === undefined || JSON.stringify(x.values[key]) === JSON.stringify(y.values[key]));
          expect(keys.includes(key)).toBe(!same);
        }
        expect(keys.every((k) => defined.has(k))).toBe(true);
      }),
    );
  });
});

describe('checkSnapshot', () => {
  it('accepts a snapshot and defaults values to {}', () => {
    expect(checkSnapshot({ definitions: [] }, 'x')).toEqual({ definitions: [], values: {} });
  });

  it('lists every shape problem with its path', () => {
    expect(() => checkSnapshot([], 'file.json')).toThrow('file.json: a snapshot must be an object with "definitions" and "values"');
    try {
      checkSnapshot({ definitions: [], values: { a: 3, b: { scopedValues: { 'user::x': { ok: true }, 'user::y': null } } } }, 'f');
      expect.unreachable();
    } catch (err) {
      expect((err as { issues: unknown }).issues).toEqual([
        { path: ['values', 'a'], message: 'f: expected { rootValue?, scopedValues? }' },
        { path: ['values', 'b', 'scopedValues', 'user::y'], message: 'f: not a flag value' },
      ]);
    }
  });
});
