import { describe, expect } from 'vitest';
import { overlayValues, registerValidator, ValidationError, ValidatorRegistry } from '@switchyard/core';
import type { FlagStore, MaintainedValues, ScopeMap } from '@switchyard/core';
import type { SuiteContext } from '../context';
import { rejectionOf } from '../expect-error';
import { clientWithValuesOfN, numberFlag } from '../fixtures';

/** Values seeded by a manifest for `/check/priority`: root, tenants a and b, one user and one user of tenant a. */
const SEEDED: MaintainedValues = {
  rootValue: 1,
  scopedValues: { 'tenant::a': 10, 'tenant::b': 20, 'user::alice': 100, 'tenant::a##user::bob': 200 },
};
const KEY = '/check/priority';
const seededValuesOf = (key: string) => (key === KEY ? SEEDED : undefined);

/** What the key serves: the seeded values overlaid with what the store holds. */
async function served(store: FlagStore): Promise<MaintainedValues | undefined> {
  const stored = await store.getValues(KEY);
  const { version: _version, ...layer } = stored ?? { version: 0 };
  return overlayValues(SEEDED, stored ? layer : undefined);
}

const set = (store: FlagStore, value: number | null, scope?: ScopeMap, clearSubScopes?: boolean) =>
  store.setValues([{ key: KEY, value, ...(scope ? { scope } : {}), ...(clearSubScopes ? { clearSubScopes } : {}) }], { seededValuesOf });

/** Per-(key, scope) semantics: a write changes exactly the scope it names, on every adapter and across clients. */
export function scopeCases(ctx: SuiteContext): void {
  perScopeWriteCases(ctx);
  writePathValidationCases(ctx);
}

/** Writes to one scope, with and without seeded values. */
function perScopeWriteCases({ test, client, options }: SuiteContext): void {
  describe('per-scope writes', () => {
    test('a write to one scope changes exactly that scope; null removes exactly that value', async () => {
      const store = await clientWithValuesOfN(client, [[1], [2, { tenant: 'a' }], [3, { tenant: 'b' }], [4, { tenant: 'a', user: 'x' }]]);
      await store.setValues([{ key: 'n', value: 5, scope: { tenant: 'a' } }]);
      expect(await store.getValues('n')).toEqual({ rootValue: 1, scopedValues: { 'tenant::a': 5, 'tenant::b': 3, 'tenant::a##user::x': 4 }, version: 2 });
      await store.setValues([{ key: 'n', value: null, scope: { tenant: 'a', user: 'x' } }]);
      expect(await store.getValues('n')).toEqual({ rootValue: 1, scopedValues: { 'tenant::a': 5, 'tenant::b': 3 }, version: 3 });
      await store.setValues([{ key: 'n', value: null, scope: { user: 'nobody' } }]);
      expect(await store.getValues('n')).toEqual({ rootValue: 1, scopedValues: { 'tenant::a': 5, 'tenant::b': 3 }, version: 4 });
    });

    test('a write to one scope through one client keeps the scopes another client wrote', async () => {
      const [a, b] = [await client(), await client()];
      await a.upsertFlag(numberFlag('shared'));
      await a.setValues([{ key: 'shared', value: 1, scope: { tenant: 'a' } }]);
      await b.setValues([{ key: 'shared', value: 2, scope: { tenant: 'b' } }]);
      await a.setValues([{ key: 'shared', value: null, scope: { tenant: 'a' } }]);
      expect(await b.getValues('shared')).toEqual({ scopedValues: { 'tenant::b': 2 }, version: 3 });
    });

    test('seeded values: a write to one scope records nothing about the other seeded scopes', async () => {
      const store = await client();
      await store.upsertFlag(numberFlag(KEY));
      await set(store, 11, { tenant: 'a' });
      expect(await store.getValues(KEY)).toEqual({ scopedValues: { 'tenant::a': 11 }, version: 1 });
      expect(await served(store)).toEqual({ ...SEEDED, scopedValues: { ...SEEDED.scopedValues, 'tenant::a': 11 } });
    });

    test('seeded values: null removes exactly that seeded value, and keeps it removed', async () => {
      const store = await client();
      await store.upsertFlag(numberFlag(KEY));
      await set(store, null, { user: 'alice' });
      expect(await store.getValues(KEY)).toEqual({ removedSeeds: ['user::alice'], version: 1 });
      const { 'user::alice': _alice, ...rest } = SEEDED.scopedValues!;
      expect(await served(store)).toEqual({ rootValue: 1, scopedValues: rest });
      await set(store, null);
      expect(await store.getValues(KEY)).toEqual({ removedSeeds: ['//', 'user::alice'], version: 2 });
      expect(await served(store)).toEqual({ scopedValues: rest });
      // Setting the scope again replaces the removal.
      await set(store, 7, { user: 'alice' });
      expect(await store.getValues(KEY)).toEqual({ scopedValues: { 'user::alice': 7 }, removedSeeds: ['//'], version: 3 });
      expect(await store.listValues()).toEqual({ [KEY]: await store.getValues(KEY) });
    });

    test('seeded values: null on a stored override of a seeded scope removes the seed too', async () => {
      const store = await client();
      await store.upsertFlag(numberFlag(KEY));
      await set(store, 12, { tenant: 'b' });
      await set(store, null, { tenant: 'b' });
      expect(await store.getValues(KEY)).toEqual({ removedSeeds: ['tenant::b'], version: 2 });
      expect((await served(store))?.scopedValues).not.toHaveProperty('tenant::b');
    });

    test('seeded values: clearSubScopes removes the seeded values below the scope only', async () => {
      const store = await client();
      await store.upsertFlag(numberFlag(KEY));
      await set(store, 300, { tenant: 'a', user: 'carol' });
      await set(store, 15, { tenant: 'a' }, true);
      expect(await store.getValues(KEY)).toEqual({ scopedValues: { 'tenant::a': 15 }, removedSeeds: ['tenant::a##user::bob'], version: 2 });
      expect(await served(store)).toEqual({ rootValue: 1, scopedValues: { 'tenant::a': 15, 'tenant::b': 20, 'user::alice': 100 } });
    });

    test('seeded values: clearSubScopes on the root removes every seeded scoped value; null with it removes everything', async () => {
      const store = await client();
      await store.upsertFlag(numberFlag(KEY));
      await set(store, 5, undefined, true);
      expect(await served(store)).toEqual({ rootValue: 5 });
      await set(store, null, undefined, true);
      expect(await store.getValues(KEY)).toEqual({
        removedSeeds: ['//', 'tenant::a', 'tenant::a##user::bob', 'tenant::b', 'user::alice'],
        version: 2,
      });
      expect(await served(store)).toBeUndefined();
    });

    test('seeded values: removals are audited', async () => {
      const store = await client();
      await store.upsertFlag(numberFlag(KEY));
      await store.setValues([{ key: KEY, value: null, scope: { tenant: 'a' } }], { seededValuesOf, actor: 'ops' });
      const [entry] = await store.listAudit({ key: KEY, limit: 1 });
      expect(entry).toMatchObject({ action: 'values.update', actor: 'ops', before: null, after: { removedSeeds: ['tenant::a'] } });
    });

    test(
      'seeded values: clients writing different scopes concurrently lose nothing',
      async () => {
        const stores = await Promise.all(Array.from({ length: options.clients }, () => client()));
        await stores[0]!.upsertFlag(numberFlag(KEY));
        const writes: Promise<void>[] = [];
        stores.forEach((s, i) => {
          writes.push(s.setValues([{ key: KEY, value: i, scope: { user: `u${i}` } }], { seededValuesOf }));
        });
        writes.push(stores[0]!.setValues([{ key: KEY, value: null, scope: { tenant: 'b' } }], { seededValuesOf }));
        writes.push(stores[1 % stores.length]!.setValues([{ key: KEY, value: 21, scope: { tenant: 'a' } }], { seededValuesOf }));
        await Promise.all(writes);
        const expected: Record<string, number> = { 'tenant::a': 21, 'user::alice': 100, 'tenant::a##user::bob': 200 };
        stores.forEach((_, i) => (expected[`user::u${i}`] = i));
        expect(await served(stores[stores.length - 1]!)).toEqual({ rootValue: 1, scopedValues: expected });
      },
      options.slowTestTimeoutMs,
    );
  });
}

/** Type, regex, scope and custom validation apply whichever way a value is written. */
function writePathValidationCases({ test, client }: SuiteContext): void {
  describe('value validation on every write path', () => {
    test('remoteOnly updates of a key with a definition get its type, regex and scope validation', async () => {
      const store = await client();
      await store.upsertFlag(numberFlag('typed', { validations: [{ scopes: ['tenant'] }, { regex: '^\\d+$' }] }));
      const wrongType = (await rejectionOf(store.setValues([{ key: 'typed', value: 'test', remoteOnly: true }]))) as ValidationError;
      expect(wrongType).toBeInstanceOf(ValidationError);
      expect(wrongType.message).toBe('value "test" has invalid type string, must be number');
      const regex = (await rejectionOf(store.setValues([{ key: 'typed', value: -1, remoteOnly: true }]))) as ValidationError;
      expect(regex.message).toBe('value "-1" does not match validation regular expression ^\\d+$');
      const scope = (await rejectionOf(store.setValues([{ key: 'typed', value: 1, scope: { user: 'u' }, remoteOnly: true }]))) as ValidationError;
      expect(scope.message).toBe('scope key "user" is not allowed, allowed scope keys are tenant');
      const viaDefinitionOf = (await rejectionOf(
        store.setValues([{ key: 'from-manifest', value: true, remoteOnly: true }], { definitionOf: (k) => (k === 'from-manifest' ? numberFlag(k) : undefined) }),
      )) as ValidationError;
      expect(viaDefinitionOf.message).toBe('value "true" has invalid type boolean, must be number');
      expect(await store.listValues()).toEqual({});
      await store.setValues([{ key: 'typed', value: 3, remoteOnly: true }]);
      expect(await store.getValues('typed')).toEqual({ rootValue: 3, version: 1 });
    });

    test('custom validators run on writes, sync or async, with the cds arguments and error shape', async () => {
      const store = await client();
      await store.upsertFlag(numberFlag('checked', { validations: [{ validator: 'tenantCheck' }, { validator: 'notThirteen' }] }));
      const calls: unknown[][] = [];
      const validators = new ValidatorRegistry()
        .register('tenantCheck', async (value, scopeMap, scopeKey, flagKey) => {
          calls.push([value, scopeMap, scopeKey, flagKey]);
          await new Promise((resolve) => setImmediate(resolve));
          const tenant = scopeMap?.tenant;
          if (tenant && !/^(people|pets)$/.test(tenant)) {
            return { errorMessage: 'tenant scope is invalid, only people and pets are allowed: "{0}"', errorMessageValues: [tenant] };
          }
          return undefined;
        })
        .register('notThirteen', (value) => (value === 13 ? 'value 13 is unlucky' : undefined));
      await store.setValues([{ key: 'checked', value: 5 }, { key: 'checked', value: 6, scope: { tenant: 'people' } }], { validators });
      expect(calls).toEqual([
        [5, undefined, '//', 'checked'],
        [6, { tenant: 'people' }, 'tenant::people', 'checked'],
      ]);
      const err = (await rejectionOf(
        store.setValues([{ key: 'checked', value: 13 }, { key: 'checked', value: 7, scope: { tenant: 'dogs' } }, { key: 'checked', value: null, scope: { tenant: 'dogs' } }], {
          validators,
        }),
      )) as ValidationError;
      expect(err.issues).toEqual([
        { path: [0, 'value'], message: 'value 13 is unlucky' },
        { path: [1, 'value'], message: 'tenant scope is invalid, only people and pets are allowed: "dogs"' },
      ]);
      expect(await store.getValues('checked')).toEqual({ rootValue: 5, scopedValues: { 'tenant::people': 6 }, version: 1 });
    });

    test('a custom validator that throws or rejects refuses the value', async () => {
      const store = await client();
      await store.upsertFlag(numberFlag('fragile', { validations: [{ validator: 'explodes' }] }));
      const validators = { explodes: async () => Promise.reject(new Error('backend down')) };
      const err = (await rejectionOf(store.setValues([{ key: 'fragile', value: 5 }], { validators }))) as ValidationError;
      expect(err.message).toBe('registered validator "explodes" failed for value "5" with error backend down');
      expect(await store.getValues('fragile')).toBeUndefined();
    });

    test('skipCustomValidators: the caller ran them, the store still checks type, regex and scopes', async () => {
      const store = await client();
      await store.upsertFlag(numberFlag('once', { validations: [{ scopes: ['tenant'] }, { validator: 'countCalls' }] }));
      let calls = 0;
      const validators = { countCalls: () => void calls++ };
      await store.setValues([{ key: 'once', value: 1 }], { validators, skipCustomValidators: true });
      expect(calls).toBe(0);
      const err = (await rejectionOf(store.setValues([{ key: 'once', value: 'x', scope: { user: 'u' } }], { validators, skipCustomValidators: true }))) as ValidationError;
      expect(err.issues.map((i) => i.message)).toEqual(['scope key "user" is not allowed, allowed scope keys are tenant', 'value "x" has invalid type string, must be number']);
      await store.setValues([{ key: 'once', value: 2 }], { validators });
      expect(calls).toBe(1);
    });

    test('an unregistered validator refuses the write; one registered process-wide is found', async () => {
      const store = await client();
      const name = `suite-${Math.random().toString(36).slice(2)}`;
      await store.upsertFlag(numberFlag('named', { validations: [{ validator: name }] }));
      const err = (await rejectionOf(store.setValues([{ key: 'named', value: 5 }]))) as ValidationError;
      expect(err.message).toBe(`validator "${name}" is not registered`);
      registerValidator(name, (value) => (value === 6 ? 'six is refused' : undefined));
      await store.setValues([{ key: 'named', value: 5 }]);
      expect(((await rejectionOf(store.setValues([{ key: 'named', value: 6 }]))) as ValidationError).message).toBe('six is refused');
    });
  });
}
