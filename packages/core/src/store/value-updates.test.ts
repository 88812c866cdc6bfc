import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/store-errors';
import { scopeKey } from '../scope/scope-key';
import type { FlagDefinition } from '../types/flag';
import {
  applyValueUpdate,
  applyValueUpdates,
  entriesOf,
  overlayValues,
  validateValueUpdates,
  validateValueUpdatesAsync,
  valuesFromEntries,
} from './value-updates';
import { runs } from '../../../../tooling/testing/property.ts';

const priority: FlagDefinition = {
  key: '/check/priority',
  type: 'number',
  fallbackValue: 0,
  validations: [{ scopes: ['user', 'tenant'] }, { regex: '^\\d+$' }, { validator: 'notThirteen' }],
};
const definitionOf = (key: string) => (key === priority.key ? priority : undefined);
const validators = { notThirteen: (v: unknown) => (v === 13 ? 'value 13 is unlucky' : undefined) };

describe('validateValueUpdates', () => {
  it('accepts valid root and scoped updates and removals', () => {
    expect(() =>
      validateValueUpdates(
        [{ key: priority.key, value: 10, scope: { tenant: 'people' } }, { key: priority.key, value: null }, { key: '/legacy', value: null, remoteOnly: true }],
        definitionOf,
        validators,
      ),
    ).not.toThrow();
  });

  it('rejects with the cds messages, every problem at once', () => {
    let err: ValidationError | undefined;
    try {
      validateValueUpdates(
        [
          { key: priority.key, value: 'test' },
          { key: priority.key, value: -1 },
          { key: priority.key, value: 5, scope: { company: 'x' } },
          { key: '/unknown', value: 1 },
          { key: priority.key, value: 13 },
        ],
        definitionOf,
        validators,
      );
    } catch (e) {
      err = e as ValidationError;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err!.issues).toEqual([
      { path: [0, 'value'], message: 'value "test" has invalid type string, must be number' },
      { path: [1, 'value'], message: 'value "-1" does not match validation regular expression ^\\d+$' },
      { path: [2, 'scope', 'company'], message: 'scope key "company" is not allowed, allowed scope keys are user, tenant' },
      { path: [3, 'key'], message: 'key "/unknown" has no definition; use remoteOnly to change values of keys without one' },
      { path: [4, 'value'], message: 'value 13 is unlucky' },
    ]);
  });

  it('words a single problem as the cds error message', () => {
    expect(() => validateValueUpdates([{ key: priority.key, value: 'test' }], definitionOf)).toThrow('value "test" has invalid type string, must be number');
  });

  it('refuses entries that are not objects', () => {
    expect(() => validateValueUpdates([null as never, 5 as never], definitionOf)).toThrow(ValidationError);
  });

  it('requires JSON values even for remoteOnly updates', () => {
    expect(() => validateValueUpdates([{ key: '/legacy', value: undefined as never, remoteOnly: true }], definitionOf)).toThrow('value must be a JSON flag value');
    expect(() => validateValueUpdates([{ key: '/legacy', value: (() => 1) as never, remoteOnly: true }], definitionOf)).toThrow(ValidationError);
  });

  it('checks scope maps: at most four keys, string values without separators', () => {
    expect(() => validateValueUpdates([{ key: 'x', value: 1, remoteOnly: true, scope: { a: '1', b: '2', c: '3', d: '4', e: '5' } }], definitionOf)).toThrow(
      'scope has 5 keys, at most 4 are allowed',
    );
    expect(() => validateValueUpdates([{ key: 'x', value: 1, remoteOnly: true, scope: { a: 'x::y' } }], definitionOf)).toThrow('must not contain');
  });
});

describe('applyValueUpdate', () => {
  const base = {
    rootValue: 1,
    scopedValues: { [scopeKey({ tenant: 'people' })]: 10, [scopeKey({ tenant: 'people', user: 'alice' })]: 100, [scopeKey({ tenant: 'other' })]: 20 },
  };

  it('sets and removes root and scoped values without changing its input', () => {
    const copy = structuredClone(base);
    expect(applyValueUpdate(base, { key: 'k', value: 2 })).toEqual({ ...base, rootValue: 2 });
    expect(applyValueUpdate(base, { key: 'k', value: null })).toEqual({ scopedValues: base.scopedValues });
    expect(applyValueUpdate(base, { key: 'k', value: 11, scope: { tenant: 'people' } })?.scopedValues?.['tenant::people']).toBe(11);
    expect(applyValueUpdate(base, { key: 'k', value: null, scope: { tenant: 'other' } })?.scopedValues).not.toHaveProperty('tenant::other');
    expect(base).toEqual(copy);
  });

  it('clearSubScopes removes more specific scopes only (everything for the root)', () => {
    expect(applyValueUpdate(base, { key: 'k', value: 12, scope: { tenant: 'people' }, clearSubScopes: true })).toEqual({
      rootValue: 1,
      scopedValues: { 'tenant::people': 12, 'tenant::other': 20 },
    });
    expect(applyValueUpdate(base, { key: 'k', value: 3, clearSubScopes: true })).toEqual({ rootValue: 3 });
    expect(applyValueUpdate(base, { key: 'k', value: null, clearSubScopes: true })).toBeUndefined();
  });

  it('applies a batch in order per key', () => {
    const result = applyValueUpdates(() => undefined, [
      { key: 'a', value: 1 },
      { key: 'a', value: 2, scope: { user: 'u' } },
      { key: 'b', value: 'x' },
      { key: 'a', value: null },
    ]);
    expect(Object.fromEntries(result)).toEqual({ a: { scopedValues: { 'user::u': 2 } }, b: { rootValue: 'x' } });
  });
});

describe('seeded values (a layer the stored values overlay)', () => {
  const seeded = { rootValue: 1, scopedValues: { 'tenant::a': 10, 'tenant::b': 20, 'tenant::a##user::x': 30 } };

  it('a write to one scope changes only that scope of what is served', () => {
    const stored = applyValueUpdate(undefined, { key: 'k', value: 11, scope: { tenant: 'a' } }, seeded);
    expect(stored).toEqual({ scopedValues: { 'tenant::a': 11 } });
    expect(overlayValues(seeded, stored)).toEqual({ rootValue: 1, scopedValues: { 'tenant::a': 11, 'tenant::b': 20, 'tenant::a##user::x': 30 } });
  });

  it('null on a seeded scope records the removal; a value replaces it again', () => {
    const removed = applyValueUpdate(undefined, { key: 'k', value: null, scope: { tenant: 'b' } }, seeded);
    expect(removed).toEqual({ removedSeeds: ['tenant::b'] });
    expect(overlayValues(seeded, removed)?.scopedValues).toEqual({ 'tenant::a': 10, 'tenant::a##user::x': 30 });
    expect(applyValueUpdate(removed, { key: 'k', value: 5, scope: { tenant: 'b' } }, seeded)).toEqual({ scopedValues: { 'tenant::b': 5 } });
    // Not seeded: nothing to record.
    expect(applyValueUpdate(undefined, { key: 'k', value: null, scope: { tenant: 'c' } }, seeded)).toBeUndefined();
  });

  it('clearSubScopes records the seeded scopes below the written one', () => {
    expect(applyValueUpdate(undefined, { key: 'k', value: 12, scope: { tenant: 'a' }, clearSubScopes: true }, seeded)).toEqual({
      scopedValues: { 'tenant::a': 12 },
      removedSeeds: ['tenant::a##user::x'],
    });
    expect(applyValueUpdate(undefined, { key: 'k', value: null, clearSubScopes: true }, seeded)).toEqual({
      removedSeeds: ['//', 'tenant::a', 'tenant::a##user::x', 'tenant::b'],
    });
  });

  it('entries round-trip (the form adapters persist), including keys such as __proto__', () => {
    const layer = { rootValue: 2, scopedValues: JSON.parse('{"__proto__::x": 3}') as Record<string, number>, removedSeeds: ['tenant::a'] };
    expect(valuesFromEntries(entriesOf(layer))).toEqual(layer);
    expect(valuesFromEntries([])).toBeUndefined();
  });

  it('what is served equals the updates applied to the served values directly (property)', () => {
    const scopeArb = fc.oneof(
      fc.constant(undefined),
      fc.record({ tenant: fc.constantFrom('a', 'b') }),
      fc.record({ user: fc.constantFrom('x', 'y') }),
      fc.record({ tenant: fc.constantFrom('a', 'b'), user: fc.constantFrom('x', 'y') }),
    );
    const updateArb = fc.record({
      key: fc.constant('k'),
      value: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 9 })),
      scope: scopeArb,
      clearSubScopes: fc.boolean(),
    });
    const valuesArb = fc
      .array(fc.tuple(scopeArb, fc.integer({ min: 10, max: 99 })), { maxLength: 6 })
      .map((pairs) => valuesFromEntries(pairs.map(([scope, value]) => [scopeKey(scope), value] as const)));
    fc.assert(
      fc.property(valuesArb, fc.array(updateArb, { maxLength: 8 }), (seed, updates) => {
        const clean = updates.map((u) => (u.scope === undefined ? { key: u.key, value: u.value, clearSubScopes: u.clearSubScopes } : u));
        const stored = applyValueUpdates(() => undefined, clean, () => seed).get('k');
        const direct = applyValueUpdates(() => seed, clean).get('k');
        expect(clean.length ? overlayValues(seed, stored) : seed).toEqual(clean.length ? direct : seed);
      }),
      { numRuns: runs(500) },
    );
  });
});

describe('validateValueUpdates and custom validators', () => {
  it('remoteOnly updates of a key with a definition are validated like any other', () => {
    expect(() => validateValueUpdates([{ key: priority.key, value: 'test', remoteOnly: true }], definitionOf, validators)).toThrow(
      'value "test" has invalid type string, must be number',
    );
    expect(() => validateValueUpdates([{ key: priority.key, value: 13, remoteOnly: true }], definitionOf, validators)).toThrow('value 13 is unlucky');
  });

  it('the async form awaits validators and keeps the batch order of the problems', async () => {
    const slow = { notThirteen: async (v: unknown) => new Promise<string | undefined>((r) => setTimeout(() => r(v === 13 ? 'slow 13' : undefined), 5)) };
    const err = await validateValueUpdatesAsync(
      [
        { key: priority.key, value: 13 },
        { key: priority.key, value: 'x' },
      ],
      definitionOf,
      slow,
    ).catch((e: unknown) => e as ValidationError);
    expect((err as ValidationError).issues).toEqual([
      { path: [0, 'value'], message: 'slow 13' },
      { path: [1, 'value'], message: 'value "x" has invalid type string, must be number' },
    ]);
  });

  it('the sync form reports an async validator instead of ignoring it', () => {
    const asyncOnly = { notThirteen: async () => undefined };
    expect(() => validateValueUpdates([{ key: priority.key, value: 1 }], definitionOf, asyncOnly)).toThrow(
      'validator "notThirteen" is asynchronous; this check cannot wait for it (use validateValueAsync)',
    );
  });
});
