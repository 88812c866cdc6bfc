import { Engine, type FlagStore } from '@switchyard/core';
import { createMemoryStore } from '@switchyard/store-memory';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowRunner, type WorkflowDefinition, type WorkflowRunnerOptions } from '../src/index';
import { cacheStores } from './cache-stores';
import { json, LOOPBACK, startServer, type TestServer } from './helpers';

const SECRET = 'cache-isolation-signing-key-0123456789';
let upstream: TestServer;

beforeAll(async () => {
  // Answers with who asked, so a shared cache entry would show the wrong user.
  upstream = await startServer((req, _body, res) => json(res, 200, { path: req.url }));
});
afterAll(async () => {
  await upstream.close();
});

const token = (sub: string, claims: Record<string, unknown> = {}) =>
  new SignJWT({ email: `${sub}@example.com`, plan: 'free', ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

function options(store: FlagStore, extra: Partial<WorkflowRunnerOptions> = {}): WorkflowRunnerOptions {
  return {
    store,
    environments: { dev: { baseUrls: { api: upstream.url } } },
    sessions: { 'user-session': { secret: SECRET, claims: ['email', 'plan'], key: 'user' } },
    network: { allowPrivate: [...LOOPBACK.allowPrivate] },
    ...extra,
  };
}

const stats: WorkflowDefinition = {
  product: 'dash',
  tag: 'my_stats',
  input: { range: { type: 'string', default: '7d' } },
  steps: [{ tag: 'get', type: 'http', base: 'api', url: '/stats/$Session{user}{sub}', query: { range: '$Input{range}' } }],
  output: '$Sequence{get}{body}{path}',
  cache: { ttl: '1h' },
};

describe.each(cacheStores())('cache isolation in the %s store', (_name, open) => {
  it('gives two users of one cached workflow their own outputs under the same cache tag', async () => {
    const store = await open();
    const runner = createWorkflowRunner(options(store));
    runner.register(stats);
    const run = async (sub: string, input: Record<string, unknown> = {}) =>
      runner.run({ env: 'dev', product: 'dash', feature_tag: 'my_stats', input, cache: 'stats', session: { tag: 'user-session', token: await token(sub) } });
    const before = upstream.requests.length;
    try {
      const alice = await run('alice');
      expect([alice.output, alice.cached]).toEqual(['/stats/alice?range=7d', undefined]);
      // Bob knows the cache tag; he still gets his own output, computed for him.
      const bob = await run('bob');
      expect([bob.output, bob.cached]).toEqual(['/stats/bob?range=7d', undefined]);
      // Each is then served from the cache, their own entry, also with a fresh token.
      const aliceAgain = await run('alice');
      const bobAgain = await run('bob');
      expect([aliceAgain.output, aliceAgain.cached, bobAgain.output, bobAgain.cached]).toEqual(['/stats/alice?range=7d', true, '/stats/bob?range=7d', true]);
      // Another input is another entry.
      const month = await run('alice', { range: '30d' });
      expect([month.output, month.cached]).toEqual(['/stats/alice?range=30d', undefined]);
      // Defaults are applied before hashing: an explicit default is the same entry.
      expect((await run('alice', { range: '7d' })).cached).toBe(true);
      expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/stats/alice?range=7d', '/stats/bob?range=7d', '/stats/alice?range=30d']);
    } finally {
      await runner.close();
      await store.close();
    }
  });
});

describe('what a cached output depends on', () => {
  it('includes the claims read by nested features', async () => {
    const runner = createWorkflowRunner(options(createMemoryStore()));
    runner.register([
      { product: 'dash', tag: 'inner', steps: [{ tag: 'get', type: 'http', base: 'api', url: '/mail/$Session{user}{email}' }], output: '$Sequence{get}{body}{path}' },
      { product: 'dash', tag: 'outer', steps: [{ tag: 'nested', type: 'feature', feature: 'inner' }], output: '$Sequence{nested}', cache: { ttl: '1h' } },
    ]);
    const run = async (sub: string) => runner.run({ env: 'dev', product: 'dash', feature_tag: 'outer', input: {}, cache: 'mail', session: { tag: 'user-session', token: await token(sub) } });
    expect((await run('alice')).output).toBe('/mail/alice%40example.com');
    const bob = await run('bob');
    expect([bob.output, bob.cached]).toEqual(['/mail/bob%40example.com', undefined]);
    await runner.close();
  });

  it('includes every claim when flag gates evaluate the default context', async () => {
    const engine = new Engine();
    engine.load({
      definitions: [{ key: 'pro-report', type: 'boolean', fallbackValue: false, defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'plan', operator: 'eq', value: 'pro' }, serve: { type: 'static', value: true } }] } }],
    });
    const runner = createWorkflowRunner(options(createMemoryStore(), { engine }));
    runner.register({
      product: 'dash',
      tag: 'report',
      steps: [
        { tag: 'basic', type: 'http', base: 'api', url: '/basic' },
        { tag: 'pro', type: 'http', base: 'api', url: '/pro', flag: 'pro-report' },
      ],
      output: { basic: '$Sequence{basic}{status}', pro: '$Default($Sequence{pro}{status}, null)' },
      cache: { ttl: '1h' },
    });
    const run = async (sub: string, plan: string) => runner.run({ env: 'dev', product: 'dash', feature_tag: 'report', input: {}, cache: 'r', session: { tag: 'user-session', token: await token(sub, { plan }) } });
    expect((await run('carol', 'pro')).output).toEqual({ basic: 200, pro: 200 });
    const dave = await run('dave', 'free');
    expect([dave.output, dave.cached]).toEqual([{ basic: 200, pro: null }, undefined]);
    expect((await run('carol', 'pro')).cached).toBe(true);
    await runner.close();
  });

  it('includes the definition: an edited workflow is not answered from the old one', async () => {
    const store = createMemoryStore();
    const v1 = createWorkflowRunner(options(store));
    v1.register({ ...stats, output: { v: 1, path: '$Sequence{get}{body}{path}' } });
    const v2 = createWorkflowRunner(options(store));
    v2.register({ ...stats, output: { v: 2, path: '$Sequence{get}{body}{path}' } });
    const request = async () => ({ env: 'dev', product: 'dash', feature_tag: 'my_stats', input: {}, cache: 'stats', session: { tag: 'user-session', token: await token('erin') } });
    expect((await v1.run(await request())).output).toEqual({ v: 1, path: '/stats/erin?range=7d' });
    expect((await v1.run(await request())).cached).toBe(true);
    const edited = await v2.run(await request());
    expect([edited.output, edited.cached]).toEqual([{ v: 2, path: '/stats/erin?range=7d' }, undefined]);
    await Promise.all([v1.close(), v2.close()]);
  });
});
