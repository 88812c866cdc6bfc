import { expect } from 'vitest';
import { ConflictError } from '@switchyard/core';
import { describeCases, type SuiteContext } from '../context';
import { rejectionOf } from '../expect-error';
import { clientWithValuesOfN, numberFlag } from '../fixtures';

export const valueCases = describeCases('maintained values', valueWriteCases, valueScopeAndVersionCases);

/** Round-trips, ordering, removal and clearing from the root. */
function valueWriteCases({ test, client }: SuiteContext): void {
  test('root and scoped values round-trip under canonical scope keys; each batch bumps the version once', async () => {
    const store = await client();
    await store.upsertFlag(numberFlag('/check/priority'));
    await store.setValues([{ key: '/check/priority', value: 5 }]);
    await store.setValues([
      { key: '/check/priority', value: 7, scope: { tenant: 'people' } },
      { key: '/check/priority', value: 9, scope: { user: 'alice', tenant: 'people' } },
    ]);
    expect(await store.getValues('/check/priority')).toEqual({
      rootValue: 5,
      scopedValues: { 'tenant::people': 7, 'tenant::people##user::alice': 9 },
      version: 2,
    });
    expect(await store.listValues()).toEqual({ '/check/priority': await store.getValues('/check/priority') });
    expect(await store.getValues('unknown')).toBeUndefined();
  });

  test('updates of one batch apply in order', async () => {
    const store = await clientWithValuesOfN(client, [[1], [2], [3, { user: 'u' }], [null, { user: 'u' }], [4, { user: 'v' }]]);
    expect(await store.getValues('n')).toEqual({ rootValue: 2, scopedValues: { 'user::v': 4 }, version: 1 });
  });

  test('null removes a value; a key with nothing left is gone and its version starts over', async () => {
    const store = await client();
    await store.upsertFlag(numberFlag('n'));
    await store.setValues([{ key: 'n', value: 1 }, { key: 'n', value: 2, scope: { tenant: 't' } }]);
    await store.setValues([{ key: 'n', value: null }]);
    expect(await store.getValues('n')).toEqual({ scopedValues: { 'tenant::t': 2 }, version: 2 });
    await store.setValues([{ key: 'n', value: null, scope: { tenant: 't' } }]);
    expect(await store.getValues('n')).toBeUndefined();
    expect(await store.listValues()).toEqual({});
    await store.setValues([{ key: 'n', value: 3 }], {});
    expect(await store.getValues('n')).toEqual({ rootValue: 3, version: 1 });
  });

  test('clearSubScopes on the root removes every scoped value', async () => {
    const store = await clientWithValuesOfN(client, [[1], [2, { tenant: 'a' }], [3, { tenant: 'a', user: 'x' }]]);
    await store.setValues([{ key: 'n', value: 10, clearSubScopes: true }]);
    expect(await store.getValues('n')).toEqual({ rootValue: 10, version: 2 });
    await store.setValues([{ key: 'n', value: 4, scope: { user: 'y' } }]);
    await store.setValues([{ key: 'n', value: null, clearSubScopes: true }]);
    expect(await store.getValues('n')).toBeUndefined();
  });
}

/** Sub-scope clearing, object values, listing, conflicts and copies. */
function valueScopeAndVersionCases({ test, client }: SuiteContext): void {
  test('clearSubScopes on a scope removes only the more specific scopes below it', async () => {
    const store = await clientWithValuesOfN(client, [
      [1],
      [2, { tenant: 'a' }],
      [3, { tenant: 'a', user: 'x' }],
      [4, { tenant: 'b', user: 'x' }],
      [5, { user: 'x' }],
    ]);
    await store.setValues([{ key: 'n', value: 20, scope: { tenant: 'a' }, clearSubScopes: true }]);
    expect(await store.getValues('n')).toEqual({
      rootValue: 1,
      scopedValues: { 'tenant::a': 20, 'tenant::b##user::x': 4, 'user::x': 5 },
      version: 2,
    });
  });

  test('object values round-trip deeply', async () => {
    const store = await client();
    await store.upsertFlag({ key: 'config', type: 'object', fallbackValue: {} });
    const value = { limits: { daily: 10, burst: [1, 2, 3] }, label: 'ünïcødé', off: false, none: null };
    await store.setValues([{ key: 'config', value }, { key: 'config', value: [1, { a: 'b' }], scope: { tenant: 't' } }]);
    expect(await store.getValues('config')).toEqual({ rootValue: value, scopedValues: { 'tenant::t': [1, { a: 'b' }] }, version: 1 });
  });

  test('listValues includes keys without a definition', async () => {
    const store = await client();
    await store.upsertFlag(numberFlag('defined'));
    await store.setValues([
      { key: 'defined', value: 1 },
      { key: '/legacy-key', value: 'old', remoteOnly: true },
    ]);
    expect(await store.listValues()).toEqual({
      defined: { rootValue: 1, version: 1 },
      '/legacy-key': { rootValue: 'old', version: 1 },
    });
  });

  test('a stale expectedVersion on a value update is refused with ConflictError and the batch writes nothing', async () => {
    const store = await client();
    await store.upsertFlag(numberFlag('a'));
    await store.upsertFlag(numberFlag('b'));
    await store.setValues([{ key: 'a', value: 1 }]);
    await store.setValues([{ key: 'a', value: 2, expectedVersion: 1 }]);
    const err = await rejectionOf(store.setValues([{ key: 'b', value: 9 }, { key: 'a', value: 3, expectedVersion: 1 }]));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ key: 'a', expectedVersion: 1, actualVersion: 2 });
    expect(await store.listValues()).toEqual({ a: { rootValue: 2, version: 2 } });

    const createOnly = await rejectionOf(store.setValues([{ key: 'a', value: 5, expectedVersion: 0 }]));
    expect(createOnly).toMatchObject({ code: 'CONFLICT', expectedVersion: 0, actualVersion: 2 });
    await store.setValues([{ key: 'b', value: 5, expectedVersion: 0 }]);
    expect(await store.getValues('b')).toEqual({ rootValue: 5, version: 1 });
  });

  test('returned values are copies', async () => {
    const store = await client();
    await store.upsertFlag({ key: 'config', type: 'object', fallbackValue: {} });
    await store.setValues([{ key: 'config', value: { a: 1 } }]);
    const read = await store.getValues('config');
    (read?.rootValue as Record<string, number>).a = 2;
    const listed = await store.listValues();
    expect(listed.config?.rootValue).toEqual({ a: 1 });
  });
}
