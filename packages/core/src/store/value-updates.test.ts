import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/store-errors';
import { scopeKey } from '../scope/scope-key';
import type { FlagDefinition } from '../types/flag';
import { applyValueUpdate, applyValueUpdates, validateValueUpdates } from './value-updates';

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
