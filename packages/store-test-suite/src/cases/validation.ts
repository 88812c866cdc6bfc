import { expect } from 'vitest';
import { ValidationError } from '@switchyard/core';
import type { FlagDefinition } from '@switchyard/core';
import { describeCases, type SuiteContext } from '../context';
import { rejectionOf } from '../expect-error';
import { numberFlag, stringFlag } from '../fixtures';

export const validationCases = describeCases('validation', definitionValidationCases, valueValidationCases);

/** Refused definitions leave the store as it was. */
function definitionValidationCases({ test, client }: SuiteContext): void {
  test('an invalid definition is refused with ValidationError listing every path, and nothing is stored', async () => {
    const store = await client();
    const invalid = { key: 'has space', type: 'number', fallbackValue: 1, tags: [''] } as unknown as FlagDefinition;
    const err = await rejectionOf(store.upsertFlag(invalid));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe('VALIDATION');
    expect((err as ValidationError).issues.map((i) => i.path)).toEqual([['key'], ['tags', 0]]);
    expect(err.message).toContain('key: must be 1 to 256 letters, digits or _ - . / :');
    expect(await store.listFlags()).toEqual([]);
  });

  test('input that is not a definition at all is refused with ValidationError', async () => {
    const store = await client();
    for (const input of [null, 'flag', { key: 5, type: 'boolean', fallbackValue: true }, {}]) {
      const err = await rejectionOf(store.upsertFlag(input as unknown as FlagDefinition));
      expect(err).toBeInstanceOf(ValidationError);
    }
    expect(await store.listFlags()).toEqual([]);
  });

  test('a definition whose values do not match its type is refused with the value paths', async () => {
    const store = await client();
    const invalid = {
      key: 'limit',
      type: 'number',
      fallbackValue: 'x',
      defaultRule: { type: 'variant', variants: [{ value: 1, weight: 40 }] },
    } as unknown as FlagDefinition;
    const err = (await rejectionOf(store.upsertFlag(invalid))) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues).toEqual([
      { path: ['fallbackValue'], message: 'value "x" has invalid type string, must be number' },
      { path: ['defaultRule', 'variants'], message: 'weights sum to 40, must be 100' },
    ]);
    expect(await store.getFlag('limit')).toBeUndefined();
  });

  test('an invalid replacement leaves the stored definition as it was', async () => {
    const store = await client();
    const before = await store.upsertFlag(numberFlag('limit'));
    await rejectionOf(store.upsertFlag({ key: 'limit', type: 'number', fallbackValue: 'nope' } as unknown as FlagDefinition));
    expect(await store.getFlag('limit')).toEqual(before);
  });
}

/** Values are checked against their definition, or refused without one. */
function valueValidationCases({ test, client }: SuiteContext): void {
  test('a value of the wrong type is refused with the cds message', async () => {
    const store = await client();
    await store.upsertFlag(numberFlag('limit'));
    const err = (await rejectionOf(store.setValues([{ key: 'limit', value: 'test' }]))) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe('value "test" has invalid type string, must be number');
    expect(err.issues).toEqual([{ path: [0, 'value'], message: 'value "test" has invalid type string, must be number' }]);
    expect(await store.getValues('limit')).toBeUndefined();
  });

  test('regex validations and allowed scope keys of the definition apply to values', async () => {
    const store = await client();
    await store.upsertFlag(stringFlag('colour'));
    await store.upsertFlag(numberFlag('limit'));
    const regex = (await rejectionOf(store.setValues([{ key: 'colour', value: 'Not A Colour' }]))) as ValidationError;
    expect(regex.issues).toEqual([{ path: [0, 'value'], message: 'colours are lower-case words' }]);
    const scope = (await rejectionOf(store.setValues([{ key: 'limit', value: 3, scope: { region: 'eu' } }]))) as ValidationError;
    expect(scope.issues).toEqual([{ path: [0, 'scope', 'region'], message: 'scope key "region" is not allowed, allowed scope keys are tenant, user' }]);
    await store.setValues([{ key: 'colour', value: 'teal' }, { key: 'limit', value: 3, scope: { tenant: 'people' } }]);
    expect((await store.getValues('colour'))?.rootValue).toBe('teal');
  });

  test('values of keys without a definition are refused unless remoteOnly', async () => {
    const store = await client();
    const err = (await rejectionOf(store.setValues([{ key: '/legacy-key', value: true }]))) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues).toEqual([
      { path: [0, 'key'], message: 'key "/legacy-key" has no definition; use remoteOnly to change values of keys without one' },
    ]);
    expect(await store.listValues()).toEqual({});

    await store.setValues([{ key: '/legacy-key', value: true, scope: { tenant: 'people' }, remoteOnly: true }]);
    expect(await store.getValues('/legacy-key')).toEqual({ scopedValues: { 'tenant::people': true }, version: 1 });
    await store.setValues([{ key: '/legacy-key', value: null, clearSubScopes: true, remoteOnly: true }]);
    expect(await store.getValues('/legacy-key')).toBeUndefined();
  });

  test('remoteOnly still refuses malformed scope maps', async () => {
    const store = await client();
    const err = (await rejectionOf(
      store.setValues([{ key: 'legacy', value: 1, scope: { 'bad key': 'x', a: 'b', c: 'd', e: 'f', g: 'h' }, remoteOnly: true }]),
    )) as ValidationError;
    expect(err.issues).toEqual([
      { path: [0, 'scope'], message: 'scope has 5 keys, at most 4 are allowed' },
      { path: [0, 'scope'], message: 'scope key "bad key" must be letters, digits, _ . or -' },
    ]);
    expect(await store.listValues()).toEqual({});
  });

  test('definitionOf validates values of keys the store holds no definition for', async () => {
    const store = await client();
    const fromManifest = numberFlag('manifest-limit');
    const definitionOf = (key: string) => (key === 'manifest-limit' ? fromManifest : undefined);
    const err = (await rejectionOf(store.setValues([{ key: 'manifest-limit', value: true }], { definitionOf }))) as ValidationError;
    expect(err.message).toBe('value "true" has invalid type boolean, must be number');
    await store.setValues([{ key: 'manifest-limit', value: 42 }], { definitionOf });
    expect(await store.getValues('manifest-limit')).toEqual({ rootValue: 42, version: 1 });
  });

  test('one invalid update in a batch writes nothing of the batch', async () => {
    const store = await client();
    await store.upsertFlag(numberFlag('a'));
    await store.upsertFlag(numberFlag('b'));
    await store.setValues([{ key: 'a', value: 1 }]);
    const err = (await rejectionOf(
      store.setValues([
        { key: 'a', value: 2 },
        { key: 'b', value: 3, scope: { tenant: 't' } },
        { key: 'b', value: 'four' },
        { key: 'missing', value: 5 },
      ]),
    )) as ValidationError;
    expect(err.issues.map((i) => i.path)).toEqual([[2, 'value'], [3, 'key']]);
    expect(err.message).toBe(
      '[2].value: value "four" has invalid type string, must be number; [3].key: key "missing" has no definition; use remoteOnly to change values of keys without one',
    );
    expect(await store.listValues()).toEqual({ a: { rootValue: 1, version: 1 } });
  });
}
