import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createEngine } from '@switchyard/core';
import { BaseFeature, createFeatures, Feature } from '@switchyard/features';
import { createMemoryStore } from '@switchyard/store-memory';
import { defaultContext, featuresMiddleware, requireFeature } from '../src/index';

/** Serves `app` on a loopback port for one `GET /`, then closes it: the answer's status and text. */
async function getOnce(app: Express): Promise<[number, string]> {
  const s = await new Promise<Server>((resolve) => {
    const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
  });
  try {
    const r = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
    return [r.status, await r.text()];
  } finally {
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

class User {
  constructor(
    readonly id: string,
    readonly plan: string,
    readonly tenant = 'acme',
  ) {}

  toFeatureIdentifier(): string {
    return this.id;
  }
}

const USERS: Record<string, User> = { alice: new User('alice', 'pro'), bob: new User('bob', 'free') };

describe('express integration over a real HTTP server', () => {
  const store = createMemoryStore();
  let resolveCalls = 0;
  class NewCheckout extends Feature<User | null> {
    async resolve(user: User | null) {
      resolveCalls++;
      return user?.plan === 'pro' ? 'green' : false;
    }
  }
  const features = createFeatures({ store, features: { new_checkout: NewCheckout } });
  const engine = createEngine();
  engine.load({
    definitions: [
      {
        key: 'beta-banner',
        type: 'boolean',
        fallbackValue: false,
        defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'plan', operator: 'eq', value: 'pro' }, serve: { type: 'static', value: true } }] },
      },
      { key: 'greeting', type: 'string', fallbackValue: 'hello' },
    ],
  });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(featuresMiddleware({ features, engine, scope: async (req) => USERS[req.get('x-user') ?? ''] ?? null }));
    app.get('/values', async (req, res) => {
      const f = req.features!;
      res.json({ values: await f.values(), checkoutTwice: [await f.value('new_checkout'), await f.value('new_checkout')], context: f.context });
    });
    app.get('/checkout', requireFeature('new_checkout'), (_req, res) => {
      res.send('new checkout');
    });
    app.get('/beta', requireFeature('beta-banner', { status: 403 }), (_req, res) => {
      res.send('beta');
    });
    app.get('/custom', requireFeature('new_checkout', { onInactive: (_req, res) => res.redirect(302, '/old') }), (_req, res) => {
      res.send('new');
    });
    app.get('/unknown', requireFeature('no-such-flag'), (_req, res) => {
      res.send('never');
    });
    app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ error: err.name, message: err.message });
    });
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    resolveCalls = 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    features.close();
    await store.close();
  });

  test('req.features serves code features and flags for the request scope, memoized per request', async () => {
    const res = await fetch(`${base}/values`, { headers: { 'x-user': 'alice' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      values: { new_checkout: 'green', 'beta-banner': true, greeting: 'hello' },
      checkoutTwice: ['green', 'green'],
      context: { id: 'alice', plan: 'pro', tenant: 'acme', targetingKey: 'alice' },
    });
    expect(resolveCalls).toBe(1);
    expect((await store.getFeatureValues('new_checkout', ['alice'])).get('alice')).toBe('green');
    const anonymous = await (await fetch(`${base}/values`)).json();
    expect(anonymous).toEqual({ values: { new_checkout: false, 'beta-banner': false, greeting: 'hello' }, checkoutTwice: [false, false], context: {} });
  });

  test('requireFeature lets active scopes through and answers 404 (or the configured status/handler) otherwise', async () => {
    const ok = await fetch(`${base}/checkout`, { headers: { 'x-user': 'alice' } });
    expect([ok.status, await ok.text()]).toEqual([200, 'new checkout']);
    const hidden = await fetch(`${base}/checkout`, { headers: { 'x-user': 'bob' } });
    expect([hidden.status, await hidden.text()]).toEqual([404, 'Not Found']);
    const forbidden = await fetch(`${base}/beta`, { headers: { 'x-user': 'bob' } });
    expect(forbidden.status).toBe(403);
    const beta = await fetch(`${base}/beta`, { headers: { 'x-user': 'alice' } });
    expect([beta.status, await beta.text()]).toEqual([200, 'beta']);
    const redirected = await fetch(`${base}/custom`, { headers: { 'x-user': 'bob' }, redirect: 'manual' });
    expect([redirected.status, redirected.headers.get('location')]).toEqual([302, '/old']);
  });

  test('an activation in the store reaches the next request', async () => {
    await features.for(USERS.bob!).activate('new_checkout', 'blue');
    const res = await fetch(`${base}/checkout`, { headers: { 'x-user': 'bob' } });
    expect(res.status).toBe(200);
    await features.for(USERS.bob!).clear('new_checkout');
  });

  test('unknown names and missing middleware are errors, not silent 404s', async () => {
    const res = await fetch(`${base}/unknown`, { headers: { 'x-user': 'alice' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'FlagNotFoundError', message: 'flag "no-such-flag" not found' });

    const bare = express();
    bare.get('/', requireFeature('new_checkout'), (_req, res) => {
      res.send('x');
    });
    bare.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).send(err.message);
    });
    expect(await getOnce(bare)).toEqual([500, 'requireFeature("new_checkout") needs featuresMiddleware() to run before it']);
  });

  test('a failing scope callback reaches the error handler', async () => {
    const app = express();
    app.use(
      featuresMiddleware({
        engine,
        scope: async () => {
          throw new Error('session store down');
        },
      }),
    );
    app.get('/', (_req, res) => {
      res.send('x');
    });
    app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(503).send(err.message);
    });
    expect(await getOnce(app)).toEqual([503, 'session store down']);
  });
});

describe('errors of user callbacks reach the error handler; the process survives', () => {
  class Member extends BaseFeature<User> {
    resolve(user: User) {
      return user.plan === 'pro';
    }
  }
  const store = createMemoryStore();
  const features = createFeatures({ store, features: { member_area: Member } });
  let server: Server;
  let base: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    const app = express();
    app.use(
      featuresMiddleware({
        features,
        scope: (req) => (req.get('x-user') === 'broken-context' ? USERS.alice : (USERS[req.get('x-user') ?? ''] ?? null)),
        context: (req, scope) => {
          if (req.get('x-user') === 'broken-context') throw new Error('context callback failed');
          return defaultContext(scope);
        },
      }),
    );
    const pass = (_req: Request, res: Response) => void res.send('in');
    app.get('/async-throw', requireFeature('member_area', { onInactive: async () => Promise.reject(new Error('async onInactive failed')) }), pass);
    app.get('/sync-throw', requireFeature('member_area', { onInactive: () => { throw new Error('sync onInactive failed'); } }), pass);
    app.get('/async-ok', requireFeature('member_area', { onInactive: async (_req, res) => void res.status(402).send('upgrade') }), pass);
    app.get('/member', requireFeature('member_area'), pass);
    // No error handler of the app's own for /member: express's default one answers.
    app.use((err: Error & { status?: number }, req: Request, res: Response, next: NextFunction) => {
      if (req.path === '/member') return next(err);
      res.status(599).send(err.message);
    });
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    features.close();
    await store.close();
  });

  test('an async onInactive that rejects, and one that throws, reach the error handler', async () => {
    const asyncThrow = await fetch(`${base}/async-throw`, { headers: { 'x-user': 'bob' } });
    expect([asyncThrow.status, await asyncThrow.text()]).toEqual([599, 'async onInactive failed']);
    const syncThrow = await fetch(`${base}/sync-throw`, { headers: { 'x-user': 'bob' } });
    expect([syncThrow.status, await syncThrow.text()]).toEqual([599, 'sync onInactive failed']);
    const ok = await fetch(`${base}/async-ok`, { headers: { 'x-user': 'bob' } });
    expect([ok.status, await ok.text()]).toEqual([402, 'upgrade']);
    const member = await fetch(`${base}/async-throw`, { headers: { 'x-user': 'alice' } });
    expect([member.status, await member.text()]).toEqual([200, 'in']);
    expect(unhandled).toEqual([]);
  });

  test('a context callback that throws reaches the error handler', async () => {
    const res = await fetch(`${base}/async-ok`, { headers: { 'x-user': 'broken-context' } });
    expect([res.status, await res.text()]).toEqual([599, 'context callback failed']);
  });

  test('a feature declared for a User with no user on the request is a 400 (typed InvalidScopeError), not a 500', async () => {
    const res = await fetch(`${base}/member`);
    expect(res.status).toBe(400);
    expect(unhandled).toEqual([]);
  });
});

describe('defaultContext', () => {
  test('scope maps feed attributes even without an identifier', () => {
    expect(defaultContext({ user: 'alice', tenant: 'people' })).toEqual({ user: 'alice', tenant: 'people' });
    expect(defaultContext('tenant-1')).toEqual({ targetingKey: 'tenant-1' });
    expect(defaultContext(null)).toEqual({});
    expect(defaultContext({ id: 7, nested: { a: 1 } }, (s) => (s as { id: number }).id)).toEqual({ id: 7, targetingKey: '7' });
  });

  test('featuresMiddleware needs features or an engine', () => {
    expect(() => featuresMiddleware({})).toThrow('featuresMiddleware() needs features, an engine, or both');
  });
});
