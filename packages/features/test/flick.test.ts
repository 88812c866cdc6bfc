import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Container } from '@adonisjs/fold';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { FlagStore } from '@switchyard/core';
import { createMemoryStore } from '@switchyard/store-memory';
import {
  BaseFeature,
  createFeatures,
  defaultFeatures,
  DefaultFeaturesMissingError,
  Feature,
  FeatureConstructionError,
  InvalidScopeError,
  setDefaultFeatures,
  type FeatureClass,
} from '../src/index';
import { env } from './fixtures/flick/adonis';
import CheckoutButtonColorFeature from './fixtures/flick/checkout_button_color_feature';
import GeoService from './fixtures/flick/geo_service';
import KillSwitchFeature from './fixtures/flick/kill_switch_feature';
import NewCheckoutFeature from './fixtures/flick/new_checkout_feature';
import StaffFeature from './fixtures/flick/staff_feature';
import { TenantScope } from './fixtures/flick/tenant_scope';
import User from './fixtures/flick/user';

const FIXTURES = fileURLToPath(new URL('./fixtures/flick/', import.meta.url));

/**
 * The seed's `@inject()` feature, compiled as an AdonisJS app compiles it (TypeScript with
 * `experimentalDecorators` and `emitDecoratorMetadata`, which the container reads to know what to
 * inject) and imported from beside the other fixtures.
 */
async function compiledRegionalPricing(): Promise<{ default: FeatureClass<User>; file: string }> {
  const source = readFileSync(path.join(FIXTURES, 'regional_pricing_feature.source.ts.txt'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true, module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const dir = mkdtempSync(path.join(FIXTURES, '.compiled-'));
  const file = path.join(dir, 'regional_pricing_feature.mjs');
  writeFileSync(file, outputText.replaceAll('from "./', 'from "../').replaceAll('from "../../../src/', 'from "../../../../src/'));
  return { ...((await import(file)) as { default: FeatureClass<User> }), file: dir };
}

let store: FlagStore;
const compiledDirs: string[] = [];
beforeAll(() => {
  store = createMemoryStore();
});
afterEach(async () => {
  setDefaultFeatures(undefined);
  env.set('KILL_NEW_CHECKOUT', undefined);
  await store.purgeFeatures();
});
afterAll(async () => {
  for (const dir of compiledDirs) rmSync(dir, { recursive: true, force: true });
  await store.close();
});

describe('the seed examples, verbatim apart from imports', () => {
  test('anatomy: the first roll per user is stored and reused; admins are always in', async () => {
    const flick = createFeatures({ store, features: { new_checkout: NewCheckoutFeature } });
    const user = new User(1);
    const first = await flick.for(user).isActive('new_checkout');
    for (let i = 0; i < 5; i++) expect(await flick.for(new User(1)).isActive('new_checkout')).toBe(first);
    expect(await flick.for(new User(2, true)).value('new_checkout')).toBe(true);
  });

  test('variant returns: value() gives the variant, isActive() is true for any truthy variant; match() picks the handler', async () => {
    const flick = createFeatures({ store, features: { checkout_button_color: CheckoutButtonColorFeature } });
    expect(await flick.for(new User(3)).value('checkout_button_color')).toBe('blue');
    expect(await flick.for(new User(4)).value('checkout_button_color')).toBe('green');
    expect(await flick.for(new User(5)).value('checkout_button_color')).toBe('red');
    expect(await flick.for(new User(5)).isActive('checkout_button_color')).toBe(true);
    expect(await flick.for(new User(4)).match('checkout_button_color', { active: (color) => `button-${color}`, inactive: () => 'none' })).toBe('button-green');
  });

  test('kill switch: before() returning false short-circuits without resolving, and is not cached', async () => {
    const flick = createFeatures({ store, features: { new_checkout: KillSwitchFeature } });
    env.set('KILL_NEW_CHECKOUT', '1');
    expect(await flick.for(new User(1, true)).value('new_checkout')).toBe(false);
    expect(await store.listFeatures()).toEqual([]);
    env.set('KILL_NEW_CHECKOUT', undefined);
    expect(await flick.for(new User(1, true)).value('new_checkout')).toBe(true);
  });

  test('force-on for staff: before(user) returning true wins over the stored roll', async () => {
    const flick = createFeatures({ store, features: { new_checkout: StaffFeature } });
    await flick.for(new User(9)).activate('new_checkout', false);
    expect(await flick.for(new User(9, false, true)).isActive('new_checkout')).toBe(true);
    expect(await flick.for(new User(9)).isActive('new_checkout')).toBe(false);
  });

  test('a FeatureScopeable implemented by hand: flick.for(new TenantScope("acme")).value("new_checkout")', async () => {
    const flick = createFeatures({ store, features: { new_checkout: (tenant: TenantScope) => tenant.toFeatureIdentifier() === 'acme' } });
    expect(await flick.for(new TenantScope('acme')).value('new_checkout')).toBe(true);
    expect((await store.getFeatureValues('new_checkout', ['acme'])).get('acme')).toBe(true);
  });

  test('HasFeatures: the primary key identifies the model, and user.features.active(…) reads through the default features', async () => {
    const flick = createFeatures({ store, features: { new_checkout: NewCheckoutFeature } });
    expect(() => new User(1).features).toThrow(DefaultFeaturesMissingError);
    setDefaultFeatures(flick);
    expect(defaultFeatures()).toBe(flick);
    const admin = new User(42, true);
    expect(admin.toFeatureIdentifier()).toBe(42);
    expect(await admin.features.active('new_checkout')).toBe(true);
    expect(await admin.features.inactive('new_checkout')).toBe(false);
    expect((await store.getFeatureValues('new_checkout', ['42'])).get('42')).toBe(true);
    const unsaved = new User(undefined as unknown as number);
    expect(() => unsaved.features).toThrow(expect.objectContaining({ code: 'INVALID_SCOPE', status: 400, message: 'User has no primary key yet (undefined); save it before using it as a scope' }));
  });
});

describe('dependency injection (the seed @inject() feature, through the AdonisJS container)', () => {
  test('resolveClass builds the feature through the container, which injects the service; once per family', async () => {
    const { default: RegionalPricingFeature, file } = await compiledRegionalPricing();
    compiledDirs.push(file);
    const container = new Container();
    const geo = new GeoService();
    container.bindValue(GeoService, geo);
    let builds = 0;
    const flick = createFeatures({
      store,
      features: { regional_pricing: RegionalPricingFeature },
      resolveClass: (cls) => {
        builds++;
        return container.make(cls);
      },
    });
    expect(await flick.for(new User(1, false, false, 'CA')).isActive('regional_pricing')).toBe(true);
    expect(await flick.for(new User(2, false, false, 'DE')).isActive('regional_pricing')).toBe(false);
    // Cached per scope: the service is asked once per user.
    expect(await flick.for(new User(1, false, false, 'CA')).isActive('regional_pricing')).toBe(true);
    expect(geo.lookups).toBe(2);
    expect(builds).toBe(1);
  });

  test('without resolveClass a class whose constructor takes arguments is refused at definition, with what to do', async () => {
    const { default: RegionalPricingFeature, file } = await compiledRegionalPricing();
    compiledDirs.push(file);
    let err: unknown;
    try {
      createFeatures({ store, features: { regional_pricing: RegionalPricingFeature } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FeatureConstructionError);
    expect(err).toMatchObject({
      code: 'FEATURE_CONSTRUCTION',
      feature: 'regional_pricing',
      message:
        'feature "regional_pricing": RegionalPricingFeature takes 1 constructor argument; build it through your container with createFeatures({ resolveClass: (cls) => container.make(cls) })',
    });
  });

  test('no-argument classes need no container; a failing container is a typed error, retried on the next lookup', async () => {
    expect(await createFeatures({ store, features: { new_checkout: NewCheckoutFeature } }).for(new User(1, true)).value('new_checkout')).toBe(true);
    let fail = true;
    const flick = createFeatures({
      store,
      features: { new_checkout: NewCheckoutFeature },
      resolveClass: async (cls) => {
        if (fail) throw new Error('binding GeoService is not registered');
        return Reflect.construct(cls, []);
      },
    });
    // The class is built when something has to be resolved (user 77 has no stored result yet).
    await expect(flick.for(new User(77, true)).value('new_checkout')).rejects.toThrow(
      'feature "new_checkout": building NewCheckoutFeature failed: binding GeoService is not registered',
    );
    fail = false;
    expect(await flick.for(new User(77, true)).value('new_checkout')).toBe(true);
    const wrong = createFeatures({ store, features: { other: NewCheckoutFeature }, resolveClass: () => ({}) as never });
    await expect(wrong.for(new User(3)).value('other')).rejects.toThrow('feature "other": resolveClass returned an instance of Object, not an instance of NewCheckoutFeature');
  });
});

describe('missing scopes', () => {
  test('a BaseFeature given the null scope fails with a typed InvalidScopeError (status 400) before resolve runs', async () => {
    let resolved = 0;
    class Counted extends BaseFeature<User> {
      async resolve(user: User) {
        resolved++;
        return user.isAdmin;
      }
    }
    const flick = createFeatures({ store, features: { counted: Counted } });
    const err = await flick
      .for(null as unknown as User)
      .isActive('counted')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidScopeError);
    expect(err).toMatchObject({ code: 'INVALID_SCOPE', status: 400, statusCode: 400, message: 'feature "counted" needs a scope (it extends BaseFeature); got the null scope' });
    await expect(flick.for([new User(1), null] as unknown as User[]).load(['counted'])).rejects.toThrow(InvalidScopeError);
    expect(() => flick.for(undefined as unknown as User)).toThrow(expect.objectContaining({ code: 'INVALID_SCOPE', status: 400 }));
    expect(resolved).toBe(0);
  });

  test('a Feature (Pennant style) still serves the null scope', async () => {
    class Guest extends Feature<User | null> {
      resolve(user: User | null) {
        return user === null ? 'guest' : 'member';
      }
    }
    expect(await createFeatures({ store, features: { guest: Guest } }).for(null).value('guest')).toBe('guest');
  });
});
