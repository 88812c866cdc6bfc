import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createEngine, ValidationError, type FlagStore, type JsonValue } from '@switchyard/core';
import { createFeatures, defineFeature, Feature, FeatureNotDefinedError, InvalidScopeError, type Features } from '../src/index';
import { counting, storeCases, User } from './helpers';

const cases = await storeCases();

describe.each(cases)('features on the $name store', (storeCase) => {
  let store: FlagStore;
  let other: FlagStore;
  let resolveCalls: number;

  class NewCheckout extends Feature<User> {
    async resolve(user: User) {
      resolveCalls++;
      if (user.isAdmin) return true;
      return `variant-${Math.random()}`;
    }
  }

  const make = (s: FlagStore = store) => createFeatures({ store: s, features: { new_checkout: NewCheckout } });

  beforeAll(async () => {
    store = await storeCase.open();
    other = await storeCase.open();
  });
  beforeEach(async () => {
    resolveCalls = 0;
    await store.purgeFeatures();
  });
  afterAll(async () => {
    await store?.purgeFeatures();
    await store?.close();
    await other?.close();
    await storeCase.cleanup();
  });

  test('the first resolution is stored and reused by every instance on the store', async () => {
    const a = make();
    const first = await a.for(new User(1)).value('new_checkout');
    expect(first).toMatch(/^variant-0\./);
    expect(await a.for(new User(1)).value('new_checkout')).toBe(first);
    // A second instance on a second connection: reads the stored result, does not resolve again.
    const b = make(other);
    expect(await b.for(new User(1)).value('new_checkout')).toBe(first);
    expect(resolveCalls).toBe(1);
    expect((await store.getFeatureValues('new_checkout', ['1'])).get('1')).toBe(first);
    expect(await store.listFeatures()).toEqual(['new_checkout']);
    a.close();
    b.close();
  });

  test('different scopes resolve separately; a number id and its string form are one scope', async () => {
    const features = make();
    const admin = await features.for(new User(7, true)).value('new_checkout');
    const user = await features.for(new User(8)).value('new_checkout');
    expect(admin).toBe(true);
    expect(user).toMatch(/^variant-/);
    // The identifier alone addresses the same stored result (typed scopes only allow it by a cast).
    expect(await features.for('7' as unknown as User).value('new_checkout')).toBe(true);
    expect(resolveCalls).toBe(2);
  });

  test('before runs on every lookup, is never cached, and only undefined falls through', async () => {
    let beforeCalls = 0;
    let answer: unknown = false;
    const features = createFeatures({
      store,
      features: {
        gated: defineFeature('gated', () => 'resolved', {
          before: () => {
            beforeCalls++;
            return answer;
          },
        }),
      },
    });
    const scoped = features.for(new User(1));
    expect(await scoped.value('gated')).toBe(false);
    answer = 0;
    expect(await scoped.value('gated')).toBe(0);
    answer = 'blue';
    expect(await scoped.value('gated')).toBe('blue');
    expect((await store.getFeatureValues('gated', ['1'])).size).toBe(0);
    answer = undefined;
    expect(await scoped.value('gated')).toBe('resolved');
    answer = null;
    expect(await scoped.value('gated')).toBe(null);
    expect(beforeCalls).toBe(5);
    expect((await store.getFeatureValues('gated', ['1'])).get('1')).toBe('resolved');
    features.close();
  });

  test('a kill switch in before reads manifest flags through the engine', async () => {
    const engine = createEngine();
    engine.load({ definitions: [{ key: 'kill-new-checkout', type: 'boolean', fallbackValue: false }] });
    class Guarded extends Feature<User> {
      async before() {
        if (this.flags.boolean('kill-new-checkout', false).value) return false;
      }
      async resolve() {
        return true;
      }
    }
    const features = createFeatures({ store, engine, features: { guarded: Guarded } });
    expect(await features.for(new User(1)).isActive('guarded')).toBe(true);
    engine.upsert([{ key: 'kill-new-checkout', type: 'boolean', fallbackValue: true }]);
    expect(await features.for(new User(1)).isActive('guarded')).toBe(false);
    // The stored result is untouched: lifting the kill switch restores it.
    expect((await store.getFeatureValues('guarded', ['1'])).get('1')).toBe(true);
    features.close();
  });

  test('reading flags without an engine is a clear error', async () => {
    const features = createFeatures({ store, features: { f: defineFeature('f', (_s, ctx) => ctx.flags.boolean('x', false).value) } });
    await expect(features.for(1).value('f')).rejects.toThrow('feature "f" reads flags, but createFeatures() was given no engine');
    features.close();
  });

  test('isActive is truthiness: variants are active, false/0/""/null are inactive', async () => {
    const values: Record<string, JsonValue> = { t: true, blue: 'blue', obj: { a: 1 }, f: false, zero: 0, empty: '', nil: null };
    const features = createFeatures({ store, features: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, () => v])) });
    const scoped = features.for(1);
    for (const [name, value] of Object.entries(values)) {
      expect(await scoped.isActive(name)).toBe(Boolean(value));
      expect(await scoped.isInactive(name)).toBe(!value);
    }
    expect(await scoped.values()).toEqual(values);
    expect(await scoped.values(['blue', 'nil'])).toEqual({ blue: 'blue', nil: null });
    expect(await scoped.allActive(['t', 'blue', 'obj'])).toBe(true);
    expect(await scoped.allActive(['t', 'f'])).toBe(false);
    expect(await scoped.someActive(['f', 'zero', 'blue'])).toBe(true);
    expect(await scoped.someActive(['f', 'zero'])).toBe(false);
    expect(await scoped.allInactive(['f', 'zero', 'empty', 'nil'])).toBe(true);
    expect(await scoped.allInactive(['f', 't'])).toBe(false);
    expect(await scoped.someInactive(['t', 'nil'])).toBe(true);
    expect(await scoped.someInactive(['t', 'blue'])).toBe(false);
    expect(await scoped.match('blue', { active: (v) => `on:${v as string}`, inactive: () => 'off' })).toBe('on:blue');
    expect(await scoped.match('zero', { active: () => 'on', inactive: async (v) => `off:${v as number}` })).toBe('off:0');
    features.close();
  });

  test('several scopes: checks hold for every scope; value() needs one scope', async () => {
    const features = createFeatures({ store, features: { even: (u: User) => u.id % 2 === 0, big: (u: User) => u.id > 2 } });
    const scoped = features.for([new User(2), new User(4)]);
    expect(await scoped.isActive('even')).toBe(true);
    expect(await features.for([new User(2), new User(3)]).isActive('even')).toBe(false);
    expect(await features.for([new User(1), new User(3)]).isInactive('even')).toBe(true);
    expect(await features.for([new User(4), new User(1)]).someActive(['even', 'big'])).toBe(false);
    expect(await features.for([new User(4), new User(3)]).someActive(['even', 'big'])).toBe(true);
    expect(features.for([new User(1), new User(1)]).scopeIds).toEqual(['1']);
    await expect(scoped.value('even')).rejects.toThrow('value() needs exactly one scope, but 2 were given to for()');
    await expect(scoped.values()).rejects.toBeInstanceOf(ValidationError);
    features.close();
  });

  test('activate, deactivate and clear change the stored result of the scope only', async () => {
    const features = make();
    const u1 = features.for(new User(1));
    const u2 = features.for(new User(2));
    const before2 = await u2.value('new_checkout');
    await u1.activate('new_checkout', 'green');
    expect(await u1.value('new_checkout')).toBe('green');
    expect((await store.getFeatureValues('new_checkout', ['1'])).get('1')).toBe('green');
    await u1.deactivate('new_checkout');
    expect(await u1.isActive('new_checkout')).toBe(false);
    expect(await make(other).for(new User(1)).value('new_checkout')).toBe(false);
    await u1.activate(['new_checkout']);
    expect(await u1.value('new_checkout')).toBe(true);
    await u1.clear('new_checkout');
    expect((await store.getFeatureValues('new_checkout', ['1', '2'])).has('1')).toBe(false);
    expect(await u2.value('new_checkout')).toBe(before2);
    const calls = resolveCalls;
    await u1.value('new_checkout');
    expect(resolveCalls).toBe(calls + 1);
    await expect(u1.activate('missing' as 'new_checkout')).rejects.toBeInstanceOf(FeatureNotDefinedError);
    await expect(u1.activate('new_checkout', new Date() as unknown as JsonValue)).rejects.toThrow(
      'activate() of feature "new_checkout" returned a value that cannot be stored for scope "1": a Date instance is not plain JSON',
    );
    features.close();
  });

  test('activateForEveryone updates every stored scope; purge removes stored results', async () => {
    const features = make();
    for (const id of [1, 2, 3]) await features.for(new User(id)).value('new_checkout');
    expect(await features.activateForEveryone('new_checkout', 'all')).toBe(3);
    for (const id of [1, 2, 3]) expect(await features.for(new User(id)).value('new_checkout')).toBe('all');
    expect(await features.deactivateForEveryone(['new_checkout'])).toBe(3);
    expect(await features.for(new User(2)).isActive('new_checkout')).toBe(false);
    // Scopes never resolved are not touched: they resolve normally.
    expect(await features.for(new User(4)).value('new_checkout')).toMatch(/^variant-/);
    expect(await features.purge(['new_checkout'])).toBe(4);
    expect(await store.listFeatures()).toEqual([]);
    expect(await features.purge([])).toBe(0);
    await features.for(new User(1)).value('new_checkout');
    expect(await features.purge()).toBe(1);
    features.close();
  });

  test('a request view memoizes: repeated lookups read the store once', async () => {
    const { store: counted, calls } = counting(store);
    const features = createFeatures({ store: counted, features: { new_checkout: NewCheckout } });
    const request = features.request();
    const user = new User(5);
    const first = await request.for(user).value('new_checkout');
    for (let i = 0; i < 5; i++) expect(await request.for(user).value('new_checkout')).toBe(first);
    expect(calls.getFeatureValues).toBe(1);
    expect(calls.setFeatureValue).toBe(1);
    // A fresh view reads the store again, but finds the stored result.
    expect(await features.request().for(user).value('new_checkout')).toBe(first);
    expect(calls.getFeatureValues).toBe(2);
    expect(resolveCalls).toBe(1);
    features.close();
  });

  test('concurrent lookups of one new scope in a process resolve once', async () => {
    const features = make();
    const values = await Promise.all(Array.from({ length: 20 }, () => features.request().for(new User(9)).value('new_checkout')));
    expect(new Set(values).size).toBe(1);
    expect(resolveCalls).toBe(1);
    features.close();
  });

  test('load reads many scopes in one store call per feature and stores the missing ones', async () => {
    const features = createFeatures({ store, features: { new_checkout: NewCheckout, plain: (u: User) => u.id } });
    await features.for(new User(1)).activate('new_checkout', 'stored');
    const { store: counted, calls } = counting(store);
    const view = createFeatures({ store: counted, features: { new_checkout: NewCheckout, plain: (u: User) => u.id } }).request();
    const users = [1, 2, 3, 4].map((id) => new User(id));
    const loaded = await view.for(users).load(['new_checkout', 'plain']);
    expect(loaded.plain).toEqual([1, 2, 3, 4]);
    expect(loaded.new_checkout[0]).toBe('stored');
    expect(loaded.new_checkout.slice(1).every((v) => typeof v === 'string' && v.startsWith('variant-'))).toBe(true);
    expect(calls.getFeatureValues).toBe(2);
    expect(calls.setFeatureValue).toBe(7);
    // Everything is memoized now: no more store reads.
    for (const u of users) await view.for(u).values();
    expect(calls.getFeatureValues).toBe(2);
    const more = [...users, new User(5)];
    const missing = await view.for(more).loadMissing(['plain']);
    expect(missing.plain).toEqual([1, 2, 3, 4, 5]);
    expect(calls.getFeatureValues).toBe(3);
    expect(await store.getFeatureValues('plain', ['5'])).toEqual(new Map([['5', 5]]));
    // load (not loadMissing) reads again even when memoized.
    await view.for(more).load(['plain']);
    expect(calls.getFeatureValues).toBe(4);
    features.close();
  });

  test('resolve results that cannot be stored are refused and nothing is written', async () => {
    const features = createFeatures({
      store,
      features: { nothing: () => undefined, date: () => new Date(0), nan: () => Number.NaN, fn: () => () => 1, nested: () => ({ a: { b: [1, () => 2] } }) },
    });
    await expect(features.for(1).value('nothing')).rejects.toThrow(
      'resolve() of feature "nothing" returned undefined for scope "1"; return a JSON value (false to deactivate)',
    );
    await expect(features.for(1).value('date')).rejects.toThrow('a Date instance is not plain JSON');
    await expect(features.for(1).value('nan')).rejects.toThrow(
      'resolve() of feature "nan" returned a value that cannot be stored for scope "1": NaN is not a finite number',
    );
    await expect(features.for(1).value('fn')).rejects.toBeInstanceOf(ValidationError);
    await expect(features.for(1).value('nested')).rejects.toThrow('cannot be stored for scope "1": a function at a.b[1] is not JSON');
    expect(await store.listFeatures()).toEqual([]);
    features.close();
  });

  test('unknown features and bad scopes fail with typed errors', async () => {
    const features = make();
    await expect(features.for(1 as unknown as User).isActive('nope' as 'new_checkout')).rejects.toThrow(
      'feature "nope" is not defined; define it with createFeatures({ features }) or features.define()',
    );
    expect(() => features.for({ id: 1 })).toThrow(InvalidScopeError);
    let n = 0;
    expect(() => features.for({ toFeatureIdentifier: () => n++ })).toThrow('toFeatureIdentifier() of scope object is unstable: it returned "0", then "1"');
    features.close();
  });
});

describe('definitions', () => {
  let features: Features;
  let store: FlagStore;
  beforeAll(async () => {
    store = await (await import('@switchyard/stores')).openStore('memory:');
    features = createFeatures({ store, identify: (s) => (s as { id?: number }).id, defaultScope: () => ({ id: 42 }) });
  });
  afterEach(() => features.flushCache());
  afterAll(() => store.close());

  test('define accepts classes, definitions and functions; the shorthands use the default scope', async () => {
    class Plain extends Feature<{ id: number }> {
      resolve(scope: { id: number }) {
        return scope.id * 2;
      }
    }
    features.define('plain', Plain).define(defineFeature('fn', (s: { id: number }) => `id-${s.id}`)).define('arrow', () => 'x');
    expect(features.defined()).toEqual(['plain', 'fn', 'arrow']);
    expect(await features.value('plain')).toBe(84);
    expect(await features.values(['fn', 'arrow'])).toEqual({ fn: 'id-42', arrow: 'x' });
    expect(await features.isActive('plain')).toBe(true);
    expect(await features.for({ id: 1 }).value('fn')).toBe('id-1');
    await features.deactivate('plain');
    expect(await features.isInactive('plain')).toBe(true);
    expect(await store.getFeatureValues('plain', ['42'])).toEqual(new Map([['42', false]]));
  });

  test('the null scope is its own scope', async () => {
    features.define('nullable', (s: unknown) => s === null);
    expect(await features.for(null).value('nullable')).toBe(true);
    expect(await store.getFeatureValues('nullable', ['__null__'])).toEqual(new Map([['__null__', true]]));
  });

  test('invalid definitions are refused precisely', () => {
    expect(() => features.define('bad name', () => 1)).toThrow('feature name "bad name" must be 1 to 256 letters, digits or _ - . / :');
    expect(() => features.define('a', defineFeature('b', () => 1))).toThrow('feature "b" is registered under the name "a"; the names must match');
    expect(() => features.define('c', class NotAFeature {} as never)).toThrow('feature "c" is a class that does not extend Feature');
    expect(() => features.define('d', 5 as never)).toThrow('feature "d" must be a Feature class, a defineFeature() result or a resolve function');
    expect(() => createFeatures({} as never)).toThrow('createFeatures() needs a store');
  });

  test('the root instance drops memoized values when the store reports a change', async () => {
    let n = 0;
    const a = createFeatures({ store, features: { counter: () => ++n } });
    const b = createFeatures({ store, features: { counter: () => ++n } });
    expect(await a.for(1).value('counter')).toBe(1);
    expect(await b.for(1).value('counter')).toBe(1);
    await b.for(1).activate('counter', 99);
    expect(await a.for(1).value('counter')).toBe(99);
    await b.purge('counter');
    expect(await a.for(1).value('counter')).toBe(2);
    a.close();
    b.close();
  });
});
