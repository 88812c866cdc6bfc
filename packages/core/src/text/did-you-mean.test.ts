import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance, unknownKeyMessage } from './did-you-mean';
import { runs } from '../../../../tooling/testing/property.ts';

describe('did you mean', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as one edit each', () => {
    expect(editDistance('enabeld', 'enabled')).toBe(1);
    expect(editDistance('scpe', 'scope')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests the closest known name, ignoring case first', () => {
    expect(closestMatch('enabeld', ['description', 'enabled', 'conditions'])).toBe('enabled');
    expect(closestMatch('scpe', ['key', 'value', 'scope', 'options'])).toBe('scope');
    expect(closestMatch('clearSubscopes', ['clearSubScopes', 'remoteOnly'])).toBe('clearSubScopes');
    expect(closestMatch('contxt', ['context'])).toBe('context');
    expect(closestMatch('colour', ['type', 'value', 'weight'])).toBeUndefined();
    expect(closestMatch('x', ['key'])).toBeUndefined();
  });

  it('words the hint the same way everywhere', () => {
    expect(unknownKeyMessage('enabeld', ['enabled'])).toBe('unknown key "enabeld" (did you mean "enabled"?)');
    expect(unknownKeyMessage('zzz', ['enabled'])).toBe('unknown key "zzz"');
    expect(didYouMean('valeu', ['value', 'values'])).toBe(' (did you mean "value"?)');
  });

  it('is a metric: symmetric, zero only for equal strings, never more than the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
      { numRuns: runs(500) },
    );
  });
});
