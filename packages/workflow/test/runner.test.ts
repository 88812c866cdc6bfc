import { Engine, ValidationError, type FlagStore } from '@switchyard/core';
import { createMemoryStore } from '@switchyard/store-memory';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowRunner, FeatureNotFoundError, SessionError, type WorkflowRunner, type WorkflowRunnerOptions } from '../src/index';
import { cacheStores } from './cache-stores';
import { json, LOOPBACK, startServer, type TestServer } from './helpers';

const SECRET = 'session-signing-key-0123456789abcdef';
const API_TOKEN = 'tok_live_9f8e7d6c5b4a';
let server: TestServer;
let flaky = 0;
/** Requests held at `/gate` until `n` of them are waiting at once: only concurrent steps get through. */
const gate: (() => void)[] = [];

beforeAll(async () => {
  server = await startServer(async (req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/users/42') return json(res, 200, { id: 42, name: 'Ada', email: 'ada@example.com' });
    if (url.pathname === '/echo') return json(res, 200, { method: req.method, query: Object.fromEntries(url.searchParams), headers: { auth: req.headers.authorization ?? null }, body: body ? JSON.parse(body) : null });
    if (url.pathname === '/flaky') return ++flaky % 3 === 0 ? json(res, 200, { ok: true, calls: flaky }) : json(res, 503, { error: 'busy' });
    if (url.pathname === '/missing') return json(res, 404, { error: 'no such thing' });
    if (url.pathname === '/slow') {
      await new Promise((r) => setTimeout(r, Number(url.searchParams.get('ms') ?? 500)));
      return json(res, 200, { slow: true });
    }
    if (url.pathname === '/gate') {
      const n = Number(url.searchParams.get('n'));
      const released = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 10_000);
        gate.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
        if (gate.length >= n) for (const release of gate.splice(0)) release();
      });
      return released ? json(res, 200, { slow: true }) : json(res, 504, { error: 'the others never came' });
    }
    if (url.pathname === '/leak') return json(res, 500, { echoed: req.headers.authorization });
    return json(res, 404, {});
  });
});
afterAll(() => server.close());

function options(store: FlagStore, extra: Partial<WorkflowRunnerOptions> = {}): WorkflowRunnerOptions {
  return {
    store,
    environments: {
      dev: { baseUrls: { api: server.url }, vars: { GREETING: 'hi' }, secrets: { API_TOKEN } },
      prd: { baseUrls: { api: server.url }, vars: { GREETING: 'hello' }, secrets: { API_TOKEN } },
    },
    sessions: { 'user-session': { secret: SECRET, claims: ['email', 'plan'], issuer: 'switchyard-tests', key: 'user' } },
    network: { allowPrivate: [...LOOPBACK.allowPrivate] },
    ...extra,
  };
}

function sign(claims: Record<string, unknown>, expiresIn: string | number = '5m', key = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('switchyard-tests').setSubject(typeof claims.sub === 'string' ? claims.sub : 'user-1').setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(key));
}

const base = { product: 'shop' };

describe('runner', () => {
  let runner: WorkflowRunner;
  let store: FlagStore;
  beforeAll(() => {
    store = createMemoryStore();
    const engine = new Engine();
    engine.load({
      definitions: [
        { key: 'beta', type: 'boolean', fallbackValue: false, defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'plan', operator: 'eq', value: 'pro' }, serve: { type: 'static', value: true } }] } },
        { key: 'prd-only', type: 'boolean', fallbackValue: false, environments: { prd: { type: 'static', value: true } } },
      ],
    });
    runner = createWorkflowRunner(options(store, { engine }));
    runner.register([
      {
        ...base,
        tag: 'user_profile',
        input: { id: { type: 'integer', required: true, min: 1 } },
        steps: [
          { tag: 'get_user', type: 'http', base: 'api', url: '/users/$Input{id}' },
          {
            tag: 'echo',
            type: 'http',
            method: 'POST',
            base: 'api',
            url: '/echo',
            query: { greeting: '$Env{GREETING}', tags: ['a', 'b'] },
            headers: { authorization: 'Bearer $Secret{API_TOKEN}' },
            body: { name: '$Sequence{get_user}{body}{name}', id: '$Input{id}', at: '$Now()' },
          },
        ],
        output: { name: '$Sequence{get_user}{body}{name}', echoed: '$Sequence{echo}{body}', token: '$Secret{API_TOKEN}', status: '$Sequence{get_user}{status}' },
      },
      {
        ...base,
        tag: 'retrying',
        steps: [{ tag: 'flaky', type: 'http', base: 'api', url: '/flaky', retries: { attempts: 2, delay: 5 } }],
        output: '$Sequence{flaky}{body}{ok}',
      },
      {
        ...base,
        tag: 'no_retries_left',
        steps: [
          { tag: 'flaky', type: 'http', base: 'api', url: '/missing', retries: 1 },
          { tag: 'after', type: 'http', base: 'api', url: '/users/42' },
        ],
      },
      {
        ...base,
        tag: 'timeouts',
        input: { ms: { type: 'integer', default: 20_000 } },
        steps: [{ tag: 'slow', type: 'http', base: 'api', url: '/slow', query: { ms: '$Input{ms}' }, timeout: '2s' }],
      },
      {
        ...base,
        tag: 'tolerant',
        steps: [
          { tag: 'missing', type: 'http', base: 'api', url: '/missing', allow_fail: true },
          { tag: 'accepted', type: 'http', base: 'api', url: '/missing', accept_status: [404] },
          { tag: 'next', type: 'http', base: 'api', url: '/users/42' },
        ],
        output: { missing: '$Default($Sequence{missing}{status}, \'none\')', accepted: '$Sequence{accepted}{status}', next: '$Sequence{next}{body}{id}' },
      },
      {
        ...base,
        tag: 'fan_out',
        steps: [
          { tag: 'a', type: 'http', base: 'api', url: '/gate', query: { n: 3 }, parallel: 'g', timeout: '20s' },
          { tag: 'b', type: 'http', base: 'api', url: '/gate', query: { n: 3 }, parallel: 'g', timeout: '20s' },
          { tag: 'c', type: 'http', base: 'api', url: '/gate', query: { n: 3 }, parallel: 'g', timeout: '20s' },
          { tag: 'join', type: 'http', method: 'POST', base: 'api', url: '/echo', body: { a: '$Sequence{a}{body}{slow}', c: '$Sequence{c}{status}' } },
        ],
        output: '$Sequence{join}{body}{body}',
      },
      {
        ...base,
        tag: 'cancelling',
        steps: [
          { tag: 'slow', type: 'http', base: 'api', url: '/slow', query: { ms: 20_000 }, parallel: 'g', timeout: '30s' },
          { tag: 'bad', type: 'http', base: 'api', url: '/missing', parallel: 'g' },
          { tag: 'never', type: 'http', base: 'api', url: '/users/42' },
        ],
      },
      {
        ...base,
        tag: 'gated',
        input: { plan: { type: 'string' }, run_extra: { type: 'boolean', default: false } },
        steps: [
          { tag: 'beta_call', type: 'http', base: 'api', url: '/users/42', flag: 'beta' },
          { tag: 'prd_call', type: 'http', base: 'api', url: '/users/42', flag: 'prd-only' },
          { tag: 'conditional', type: 'http', base: 'api', url: '/users/42', if: '$Input{run_extra}' },
        ],
        output: { beta: '$Sequence{beta_call}{status}', prd: '$Sequence{prd_call}{status}', extra: '$Sequence{conditional}{status}' },
      },
      {
        ...base,
        tag: 'who_am_i',
        input: { note: { type: 'string' }, sellerEmail: { type: 'email' } },
        steps: [
          { tag: 'beta_call', type: 'http', base: 'api', url: '/users/42', flag: 'beta' },
          { tag: 'echo', type: 'http', method: 'POST', base: 'api', url: '/echo', body: { user: '$Session{user-session}{sub}', email: '$Session{user-session}{email}', seller: '$Input{sellerEmail}' } },
        ],
        output: { body: '$Sequence{echo}{body}{body}', beta: '$Sequence{beta_call}{status}' },
      },
      {
        ...base,
        tag: 'nested',
        input: { id: { type: 'integer', required: true } },
        steps: [{ tag: 'profile', type: 'feature', feature: 'user_profile', input: { id: '$Input{id}' } }],
        output: { name: '$Sequence{profile}{name}' },
      },
      {
        ...base,
        tag: 'leaky',
        steps: [{ tag: 'leak', type: 'http', base: 'api', url: '/leak', headers: { authorization: 'Bearer $Secret{API_TOKEN}' } }],
      },
    ]);
  });

  it('runs steps in sequence and passes results along', async () => {
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'user_profile', input: { id: 42 } });
    expect(result.status).toBe('completed');
    expect(result.steps.map((s) => [s.tag, s.status, s.attempts])).toEqual([
      ['get_user', 'completed', 1],
      ['echo', 'completed', 1],
    ]);
    const output = result.output as Record<string, any>;
    expect(output.name).toBe('Ada');
    expect(output.status).toBe(200);
    expect(output.echoed.method).toBe('POST');
    expect(output.echoed.query).toEqual({ greeting: 'hi', tags: 'b' });
    expect(output.echoed.body.name).toBe('Ada');
    expect(output.echoed.body.id).toBe(42);
    expect(output.echoed.body.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // The token reached the peer, but never the result.
    expect(server.requests.some((r) => r.headers.authorization === `Bearer ${API_TOKEN}`)).toBe(true);
    expect(output.echoed.headers.auth).toBe('Bearer [REDACTED]');
    expect(output.token).toBe('[REDACTED]');
    expect(JSON.stringify(result)).not.toContain(API_TOKEN);
  });

  it('selects settings by environment', async () => {
    const result = await runner.run({ env: 'prd', ...base, feature_tag: 'user_profile', input: { id: 42 } });
    expect((result.output as any).echoed.query.greeting).toBe('hello');
    await expect(runner.run({ env: 'qa', ...base, feature_tag: 'user_profile', input: { id: 42 } })).rejects.toThrow('env: unknown environment "qa" (environments: dev, prd)');
  });

  it('records runs in the store with secrets redacted', async () => {
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'user_profile', input: { id: 42 } });
    const record = await runner.getRun(result.runId);
    expect(record).toMatchObject({ runId: result.runId, env: 'dev', product: 'shop', feature_tag: 'user_profile', status: 'completed', input: { id: 42 } });
    expect(record!.steps).toEqual(result.steps);
    expect(JSON.stringify(record)).not.toContain(API_TOKEN);
    expect(await runner.getRun('nope')).toBeUndefined();
  });

  it('retries with backoff until a step succeeds', async () => {
    flaky = 0;
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'retrying', input: {} });
    expect(result.status).toBe('completed');
    expect(result.output).toBe(true);
    expect(result.steps[0]).toMatchObject({ tag: 'flaky', status: 'completed', attempts: 3 });
  });

  it('fails the run when retries run out, naming the step and the reason', async () => {
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'no_retries_left', input: {} });
    expect(result.status).toBe('failed');
    expect(result.output).toBeNull();
    const msg = `GET ${server.url}/missing answered 404 Not Found: {"error":"no such thing"}`;
    expect(result.error).toEqual({ step: 'flaky', message: msg, code: 'HTTP_STATUS' });
    expect(result.steps).toEqual([
      { tag: 'flaky', status: 'failed', attempts: 2, durationMs: expect.any(Number), error: msg, code: 'HTTP_STATUS' },
      { tag: 'after', status: 'skipped', attempts: 0, durationMs: 0, reason: 'not reached: step "flaky" failed' },
    ]);
  });

  it('times out slow steps', async () => {
    // The upstream holds the request 20 s; only the step's 2 s timeout explains this outcome.
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'timeouts', input: {} });
    expect(result.error).toEqual({ step: 'slow', message: 'timed out after 2000 ms', code: 'TIMEOUT' });
    expect(result.steps[0]).toMatchObject({ status: 'failed', attempts: 1, error: 'timed out after 2000 ms', code: 'TIMEOUT' });
    const ok = await runner.run({ env: 'dev', ...base, feature_tag: 'timeouts', input: { ms: 1 } });
    expect(ok.status).toBe('completed');
  });

  it('goes on after allowed failures and accepted statuses', async () => {
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'tolerant', input: {} });
    expect(result.status).toBe('completed');
    expect(result.steps.map((s) => [s.tag, s.status, s.allowedFailure ?? false])).toEqual([
      ['missing', 'failed', true],
      ['accepted', 'completed', false],
      ['next', 'completed', false],
    ]);
    expect(result.output).toEqual({ missing: 'none', accepted: 404, next: 42 });
  });

  it('runs a parallel group concurrently and joins after it', async () => {
    // `/gate?n=3` answers only once three requests wait at the same time: run one after another,
    // the first would never be released (504).
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'fan_out', input: {} });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ a: true, c: 200 });
  });

  it('cancels running steps and skips the rest when a step fails', async () => {
    // The slow step would take 20 s: finishing well inside the test's timeout means it was cancelled.
    const started = Date.now();
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'cancelling', input: {} });
    expect(Date.now() - started).toBeLessThan(20_000 / 2);
    expect(result.error?.step).toBe('bad');
    expect(result.steps.map((s) => [s.tag, s.status])).toEqual([
      ['slow', 'cancelled'],
      ['bad', 'failed'],
      ['never', 'skipped'],
    ]);
    expect(result.steps[0]!.error).toBe('cancelled: step "bad" failed');
  });

  it('gates steps on flags and conditions', async () => {
    const free = await runner.run({ env: 'dev', ...base, feature_tag: 'gated', input: { plan: 'free' } });
    expect(free.output).toEqual({});
    expect(free.steps.map((s) => [s.tag, s.status, s.reason])).toEqual([
      ['beta_call', 'skipped', 'flag "beta" is not active (value false, DEFAULT)'],
      ['prd_call', 'skipped', 'flag "prd-only" is not active (value false, DEFAULT)'],
      ['conditional', 'skipped', 'condition "$Input{run_extra}" is false'],
    ]);
    const pro = await runner.run({ env: 'prd', ...base, feature_tag: 'gated', input: { plan: 'pro', run_extra: true } });
    expect(pro.output).toEqual({ beta: 200, prd: 200, extra: 200 });
  });

  /** Runs `who_am_i` with a user-session token of `claims`, the seller's email given as `sellerEmail`. */
  async function whoAmI(claims: Record<string, string>, sellerEmail: string) {
    const token = await sign(claims);
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'who_am_i', input: { sellerEmail }, session: { tag: 'user-session', token } });
    return { token, result };
  }

  it('injects verified session claims and evaluates flags with them', async () => {
    const { token, result } = await whoAmI({ sub: 'user-7', email: 'seller@example.com', plan: 'pro' }, '$Session{user-session}{email}');
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ body: { user: 'user-7', email: 'seller@example.com', seller: 'seller@example.com' }, beta: 200 });
    expect(JSON.stringify(await runner.getRun(result.runId))).not.toContain(token);
  });

  it('reads a session by its key alias, as in the seed: $Session{user}{email} for the tag user-session', async () => {
    const { result } = await whoAmI({ sub: 'user-9', email: 'alias@example.com', plan: 'pro' }, '$Session{user}{email}');
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({ body: { user: 'user-9', email: 'alias@example.com', seller: 'alias@example.com' } });
  });

  it('refuses bad sessions before any step', async () => {
    const before = server.requests.length;
    const run = (session?: { tag: string; token: string }) => runner.run({ env: 'dev', ...base, feature_tag: 'who_am_i', input: {}, ...(session ? { session } : {}) });
    await expect(run()).rejects.toThrow(new SessionError('user-session', 'feature "who_am_i" reads this session; pass session: { tag: "user-session", token }'));
    await expect(run({ tag: 'user-session', token: await sign({ email: 'a@b.co', plan: 'x' }, Math.floor(Date.now() / 1000) - 10) })).rejects.toThrow('session "user-session": the token has expired');
    await expect(run({ tag: 'user-session', token: await sign({ email: 'a@b.co', plan: 'x' }, '5m', 'another-key-0123456789abcdefghij') })).rejects.toThrow('session "user-session": the token signature is invalid');
    await expect(run({ tag: 'user-session', token: 'not.a.jwt' })).rejects.toThrow('session "user-session": the token is not a well-formed JWT');
    await expect(run({ tag: 'user-session', token: await sign({ plan: 'x' }) })).rejects.toThrow('session "user-session": the token lacks claim "email"');
    await expect(run({ tag: 'admin', token: 'x' })).rejects.toThrow('session "admin": unknown session tag (sessions: user-session)');
    await expect(run({ tag: 'user-session', token: await new SignJWT({ email: 'a@b.co', plan: 'x' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('elsewhere').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET)) })).rejects.toThrow(
      'session "user-session": the token\'s "iss" claim is not accepted (check_failed)',
    );
    expect(server.requests.length).toBe(before);
  });

  it('rejects invalid input before any step, naming every bad field', async () => {
    const before = server.requests.length;
    const err = await runner.run({ env: 'dev', ...base, feature_tag: 'user_profile', input: { id: 0, extra: 1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([
      { path: ['input', 'id'], message: 'must be at least 1, got 0' },
      { path: ['input', 'extra'], message: 'is not an input of this feature' },
    ]);
    await expect(runner.run({ env: 'dev', ...base, feature_tag: 'user_profile', input: {} })).rejects.toThrow('input.id: is required');
    await expect(runner.run({ env: '', ...base, feature_tag: 'user_profile', input: [] as never })).rejects.toThrow('env: must be a non-empty string; input: must be an object');
    await expect(runner.run({ env: 'dev', ...base, feature_tag: 'who_am_i', input: { note: '$Session{user-session}{email}' } })).rejects.toThrow(SessionError);
    expect(server.requests.length).toBe(before);
  });

  it('reports unknown features', async () => {
    await expect(runner.run({ env: 'dev', product: 'shop', feature_tag: 'nope', input: {} })).rejects.toThrow(FeatureNotFoundError);
    await expect(runner.run({ env: 'dev', product: 'other', feature_tag: 'nope', input: {} })).rejects.toThrow('no feature "nope" in product "other"');
  });

  it('runs nested features', async () => {
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'nested', input: { id: 42 } });
    expect(result.output).toEqual({ name: 'Ada' });
    const failed = await runner.run({ env: 'dev', ...base, feature_tag: 'nested', input: { id: 7 } });
    expect(failed.error).toEqual({ step: 'profile', message: `feature "shop/user_profile" failed at step "get_user": GET ${server.url}/users/7 answered 404 Not Found: {}`, code: 'HTTP_STATUS' });
  });

  it('redacts secrets that a peer echoes into errors', async () => {
    const result = await runner.run({ env: 'dev', ...base, feature_tag: 'leaky', input: {} });
    expect(result.error!.message).toBe(`GET ${server.url}/leak answered 500 Internal Server Error: {"echoed":"Bearer [REDACTED]"}`);
  });
});

describe.each(cacheStores())('cache in the %s store', (_name, open) => {
  it('returns the cached output on the next run with the same tag and input', async () => {
    const store = await open();
    const runner = createWorkflowRunner(options(store));
    runner.register({ ...base, tag: 'stats', input: { id: { type: 'integer' } }, steps: [{ tag: 'u', type: 'http', base: 'api', url: '/users/42' }], output: { name: '$Sequence{u}{body}{name}', id: '$Input{id}' }, cache: { ttl: '1h' } });
    const before = server.requests.length;
    const first = await runner.run({ env: 'dev', ...base, feature_tag: 'stats', input: { id: 1 }, cache: 'stats-1' });
    expect(first.cached).toBeUndefined();
    const second = await runner.run({ env: 'dev', ...base, feature_tag: 'stats', input: { id: 1 }, cache: 'stats-1' });
    expect(second).toMatchObject({ status: 'completed', output: { name: 'Ada', id: 1 }, steps: [], cached: true });
    expect(server.requests.length).toBe(before + 1);
    // Another input under the same tag is another entry, not the first one's output.
    const otherInput = await runner.run({ env: 'dev', ...base, feature_tag: 'stats', input: { id: 2 }, cache: 'stats-1' });
    expect(otherInput).toMatchObject({ output: { name: 'Ada', id: 2 } });
    expect(otherInput.cached).toBeUndefined();
    const other = await runner.run({ env: 'dev', ...base, feature_tag: 'stats', input: { id: 1 }, cache: 'stats-3' });
    expect(other.cached).toBeUndefined();
    const otherEnv = await runner.run({ env: 'prd', ...base, feature_tag: 'stats', input: { id: 1 }, cache: 'stats-1' });
    expect(otherEnv.cached).toBeUndefined();
    // Clearing a tag forgets every entry under it, whatever the input.
    await runner.clearCache({ env: 'dev', ...base, feature_tag: 'stats', cache: 'stats-1' });
    const refreshed = await runner.run({ env: 'dev', ...base, feature_tag: 'stats', input: { id: 1 }, cache: 'stats-1' });
    const refreshedOther = await runner.run({ env: 'dev', ...base, feature_tag: 'stats', input: { id: 2 }, cache: 'stats-1' });
    expect([refreshed.cached, refreshedOther.cached]).toEqual([undefined, undefined]);
    expect((await runner.run({ env: 'dev', ...base, feature_tag: 'stats', input: { id: 2 }, cache: 'stats-1' })).cached).toBe(true);
    await runner.close();
    await store.close();
  });

  it('does not cache failed runs', async () => {
    const store = await open();
    const runner = createWorkflowRunner(options(store));
    runner.register({ ...base, tag: 'broken', steps: [{ tag: 'm', type: 'http', base: 'api', url: '/missing' }] });
    await runner.run({ env: 'dev', ...base, feature_tag: 'broken', input: {}, cache: 'b' });
    const again = await runner.run({ env: 'dev', ...base, feature_tag: 'broken', input: {}, cache: 'b' });
    expect(again.cached).toBeUndefined();
    expect(again.status).toBe('failed');
    await store.close();
  });
});
