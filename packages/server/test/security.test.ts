import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl, uniqueNamespace } from '@switchyard/store-test-suite';
import { createLogger, createServerRuntime, jsonDepthExceeds, parseServerConfig, RedisCommandPolicy, StartupError } from '../src/index';
import { EXAMPLES, sharedTestServer, type TestServer, testServer } from './helpers';
import { runs } from '../../../tooling/testing/property.ts';
import { deleteRedisKeys } from '../../../tooling/testing/redis-keys.ts';

const KEYS = { read: 'sec-read-key-0001', admin: 'sec-admin-key-0002' };
const PASSWORD = 'b4sic-p@ssword-secret';
const JWT_SECRET = 'jwt-shared-secret-that-must-never-leak';
const AUTH_ENV = {
  SWITCHYARD_API_KEYS: `${KEYS.read}:read,${KEYS.admin}:admin`,
  FLAGS_USERNAME: 'ops',
  FLAGS_PASSWORD: PASSWORD,
  FLAGS_JWT_SECRET: JWT_SECRET,
};
const redisUrl = await serviceUrl('redis');
const jwtKey = new TextEncoder().encode(JWT_SECRET);

describe('refused authentications are rate limited per client address', () => {
  const s = sharedTestServer({ env: { ...AUTH_ENV, SWITCHYARD_AUTH_FAILURE_LIMIT: '20' } });

  it('after 20 refusals a minute, locks the address out: 429 with Retry-After for wrong, right and missing credentials alike', async () => {
    for (let i = 0; i < 20; i++) expect((await s.http.get('/api/v1/flags').set('X-API-Key', `wrong-${i}`)).status).toBe(401);
    const limited = await s.http.get('/api/v1/flags').set('X-API-Key', 'wrong-21');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body).toEqual({ error: { code: 'TOO_MANY_REQUESTS', message: `too many refused credentials from this address; retry in ${limited.headers['retry-after']} s` } });
    const workertown = await s.http.get('/v1/flags').set('Authorization', 'Bearer still-wrong');
    expect(workertown.status).toBe(429);
    expect(workertown.body).toMatchObject({ status: 429, success: false, data: null });
    // Credentials are not even checked while locked out: a right key learns nothing either.
    expect((await s.http.get('/api/v1/flags').set('X-API-Key', KEYS.read)).status).toBe(429);
    expect((await s.http.get('/api/v1/flags').auth('ops', PASSWORD)).status).toBe(429);
    expect((await s.http.get('/api/v1/flags')).status).toBe(429);
    // Public routes stay up.
    expect((await s.http.get('/health')).status).toBe(200);
  });

  it('SWITCHYARD_AUTH_FAILURE_LIMIT=0 disables the limit; a bad value is a configuration error', async () => {
    const off = await testServer({ env: { ...AUTH_ENV, SWITCHYARD_AUTH_FAILURE_LIMIT: '0' } });
    try {
      for (let i = 0; i < 30; i++) expect((await off.http.get('/api/v1/flags').set('X-API-Key', 'wrong')).status).toBe(401);
    } finally {
      await off.close();
    }
    expect(parseServerConfig([], { SWITCHYARD_AUTH_FAILURE_LIMIT: 'many' }).errors).toEqual([
      'SWITCHYARD_AUTH_FAILURE_LIMIT must be a whole number of refused authentications per minute (0 disables the limit), got "many"',
    ]);
    expect(parseServerConfig([], { SWITCHYARD_WRITE_TIMEOUT_MS: '1.5s' }).errors).toEqual([
      'SWITCHYARD_WRITE_TIMEOUT_MS must be a whole number of milliseconds (0 waits as long as the store does), got "1.5s"',
    ]);
    expect(parseServerConfig([], { SWITCHYARD_WRITE_TIMEOUT_MS: '250' }).config?.writeTimeoutMs).toBe(250);
  });
});

describe('CORS is closed unless origins are configured', () => {
  const closed = sharedTestServer();
  const open = sharedTestServer({ argv: ['--cors-origin', 'https://console.example,https://ops.example:8443'] });

  it('sends no CORS headers by default, not even to a preflight', async () => {
    const preflight = await closed.http.options('/api/v1/flags').set('Origin', 'https://console.example').set('Access-Control-Request-Method', 'PUT');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const get = await closed.http.get('/api/v1/flags').set('Origin', 'https://console.example');
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the configured origins', async () => {
    const preflight = await open.http.options('/api/v1/flags/x').set('Origin', 'https://ops.example:8443').set('Access-Control-Request-Method', 'PUT');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://ops.example:8443');
    expect(preflight.headers['access-control-allow-methods']).toContain('PUT');
    const get = await open.http.get('/api/v1/flags').set('Origin', 'https://console.example');
    expect(get.headers['access-control-allow-origin']).toBe('https://console.example');
    expect(get.headers['access-control-expose-headers']).toBe('ETag,Retry-After,X-Request-Id');
    const other = await open.http.get('/api/v1/flags').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reads SWITCHYARD_CORS_ORIGINS and refuses values that are not origins', () => {
    expect(parseServerConfig([], { SWITCHYARD_CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).config?.corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(parseServerConfig([]).config?.corsOrigins).toEqual([]);
    expect(parseServerConfig(['--cors-origin', 'https://a.example/path']).errors).toEqual([
      'CORS origin "https://a.example/path" must be an origin such as https://console.example.com (scheme, host and optional port) or *',
    ]);
  });
});

describe('redisSendCommand runs read-only diagnostics only', () => {
  it('the policy allows read-only commands on the store\'s own keys only, and names what it refuses', () => {
    const policy = new RedisCommandPolicy(['hget']);
    const prefix = 'sy:';
    for (const ok of [['ping'], ['KEYS', 'sy:*'], ['SCAN', '0', 'MATCH', 'sy:flag*', 'COUNT', '10'], ['memory', 'usage', 'sy:flags'], ['GET', 'sy:x'], ['EXISTS', 'sy:a', 'sy:b'], ['HGET', 'sy:h', 'f']]) {
      expect(policy.refusal(ok, prefix), ok.join(' ')).toBeUndefined();
    }
    for (const [command, message] of [
      [['INFO'], /^redis command "INFO" is not allowed; allowed: PING, KEYS, SCAN/],
      [['SLOWLOG', 'GET', '10'], /^redis command "SLOWLOG" is not allowed/],
      [['CONFIG', 'GET', '*'], /^redis command "CONFIG" is not allowed/],
      [['CLIENT', 'LIST'], /^redis command "CLIENT" is not allowed/],
      [['DBSIZE'], /^redis command "DBSIZE" is not allowed/],
      [['FLUSHALL'], /^redis command "FLUSHALL" is not allowed/],
      [['KEYS', '*'], /^KEYS patterns must start with this store's prefix/],
      [['KEYS', 'other:*'], /^KEYS patterns must start with this store's prefix/],
      [['KEYS'], /^KEYS needs exactly one pattern/],
      [['SCAN', '0'], /^SCAN needs a cursor and MATCH/],
      [['SCAN', '0', 'MATCH', '*'], /^SCAN needs a cursor and MATCH/],
      [['GET', 'other:secret'], /^GET may only read this store's keys, which start with "sy:"/],
      [['EXISTS', 'sy:a', 'other:b'], /^EXISTS may only read this store's keys/],
      [['MEMORY', 'USAGE', 'other:x'], /^MEMORY USAGE may only read this store's keys/],
    ] as const) {
      expect(policy.refusal(command, prefix), command.join(' ')).toMatch(message);
    }
    expect(() => new RedisCommandPolicy(['CONFIG GET'])).toThrow(/redis command "CONFIG GET" cannot be allowed: only read-only commands on the store's own keys can/);
    expect(parseServerConfig([], { SWITCHYARD_REDIS_COMMANDS: 'client list,HGET' }).errors).toEqual([
      expect.stringMatching(/^redis command "CLIENT LIST" cannot be allowed/),
    ]);
  });

  describe.skipIf(!redisUrl)('on a Redis store', () => {
    let s: TestServer;
    const namespace = uniqueNamespace('sy_sec');
    beforeAll(async () => {
      s = await testServer({ store: `${redisUrl}/?prefix=${namespace}`, env: AUTH_ENV });
    });
    afterAll(async () => {
      // Only this suite's own keys: the Redis server is shared.
      const store = s.runtime.store as unknown as { sendCommand(c: string[]): Promise<unknown> };
      await deleteRedisKeys((c) => store.sendCommand(c), namespace);
      await s.close();
    });

    it('refuses writes, server-wide commands and other tenants\' keys with 403, even for admins; allows reads of its own keys', async () => {
      const prefix = `${namespace}:`;
      const send = (command: string[], key = KEYS.admin) => s.http.post('/rest/feature/redisSendCommand').set('X-API-Key', key).set('Content-Type', 'application/json').send({ command });
      expect((await send(['PING'], KEYS.read)).status).toBe(403);
      for (const command of [['FLUSHDB'], ['SET', `${prefix}a`, 'b'], ['CONFIG', 'GET', 'maxmemory-policy'], ['CONFIG', 'SET', 'dir', '/tmp'], ['EVAL', 'return 1', '0'], ['SHUTDOWN'], ['INFO'], ['SLOWLOG', 'GET'], ['CLIENT', 'LIST'], ['DBSIZE'], ['KEYS', '*'], ['GET', 'another-tenant:secret']]) {
        const res = await send(command);
        expect(res.status, command.join(' ')).toBe(403);
      }
      expect((await send(['PING'])).text).toBe('PONG');
      const keys = await send(['KEYS', `${prefix}*`]);
      expect(keys.status).toBe(200);
      expect((keys.body as string[]).every((k) => k.startsWith(prefix))).toBe(true);
      expect((await send(['SCAN', '0', 'MATCH', `${prefix}*`, 'COUNT', '100'])).status).toBe(200);
    });
  });
});

describe('JWTs: pinned algorithms and a required expiry', () => {
  const s = sharedTestServer({ env: AUTH_ENV });
  const get = (token: string) => s.http.get('/api/v1/whoami').set('Authorization', `Bearer ${token}`);

  it('accepts HS256/HS384/HS512 tokens with an expiry', async () => {
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const token = await new SignJWT({ role: 'write' }).setProtectedHeader({ alg }).setSubject('bob').setExpirationTime('2m').sign(jwtKey);
      expect((await get(token)).body, alg).toEqual({ id: 'jwt:bob', role: 'write', via: 'jwt' });
    }
  });

  it('refuses tokens without exp, expired ones, unsigned ones and asymmetric ones without a JWKS', async () => {
    const noExp = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('bob').sign(jwtKey);
    expect((await get(noExp)).status).toBe(401);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 30).sign(jwtKey);
    expect((await get(expired)).status).toBe(401);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 60;
    expect((await get(`${b64({ alg: 'none' })}.${b64({ role: 'admin', exp })}.`)).status).toBe(401);
    // An RS256 header with an HMAC signature made from the shared secret (key confusion).
    const forged = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('2m').sign(jwtKey);
    const [, payload, signature] = forged.split('.');
    expect((await get(`${b64({ alg: 'RS256' })}.${payload}.${signature}`)).status).toBe(401);
  });
});

describe('responses carry security headers', () => {
  const s = sharedTestServer();

  /** The headers every answer carries, then `expected`: a string is the exact value, a RegExp matches it. */
  function expectSecurityHeaders(headers: Record<string, string | undefined>, expected: Record<string, string | RegExp>): void {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(headers['x-powered-by']).toBeUndefined();
    for (const [name, value] of Object.entries(expected)) {
      if (typeof value === 'string') expect(headers[name], name).toBe(value);
      else expect(headers[name], name).toMatch(value);
    }
  }

  it('on API answers and on errors: the REST set', async () => {
    for (const res of [await s.http.get('/api/v1/flags'), await s.http.get('/api/v1/nothing'), await s.http.post('/ofrep/v1/evaluate/flags/nope').send({})]) {
      expectSecurityHeaders(res.headers, {
        'content-type': /^application\/json/,
        'x-frame-options': 'DENY',
        'content-security-policy': "frame-ancestors 'none'",
        'cache-control': 'no-store',
      });
    }
  });

  it('on HTML pages: helmet\'s full set', async () => {
    const res = await s.http.get('/docs');
    expectSecurityHeaders(res.headers, {
      'content-type': /^text\/html/,
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'content-security-policy': /default-src 'self'/,
    });
  });
});

describe('deeply nested JSON is refused before parsing', () => {
  const s = sharedTestServer();
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('depth 64 reaches the route, depth 65 is a 400 naming the limit, in every surface shape', async () => {
    const ok = await s.http.post('/api/v1/evaluate').set('Content-Type', 'application/json').send(`{"context":${nested(63)}}`);
    expect(ok.status).toBe(422);
    const deep = await s.http.post('/api/v1/evaluate').set('Content-Type', 'application/json').send(`{"context":${nested(64)}}`);
    expect(deep.status).toBe(400);
    expect(deep.body).toEqual({ error: { code: 'BAD_REQUEST', message: 'the JSON body is nested deeper than 64 levels' } });
    const ofrep = await s.http.post('/ofrep/v1/evaluate/flags').set('Content-Type', 'application/json').send(nested(100_000));
    expect(ofrep.status).toBe(400);
    expect(ofrep.body).toEqual({ errorCode: 'PARSE_ERROR', errorDetails: 'the JSON body is nested deeper than 64 levels' });
    // Brackets inside strings (with escaped quotes) are text, not nesting.
    const text = await s.http.post('/api/v1/evaluate').set('Content-Type', 'application/json').send(JSON.stringify({ context: { targetingKey: `\\"${nested(200)}` } }));
    expect(text.status).toBe(200);
  });

  it('property: the byte scan agrees with the real nesting depth of any JSON value', () => {
    const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, limit) => {
        const bytes = Buffer.from(JSON.stringify(value));
        expect(jsonDepthExceeds(bytes, limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('no secret reaches a log line or an error body', () => {
  it('after refused credentials, accepted ones, 5xx-free errors and configuration errors', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-sec-'));
    const parsed = parseServerConfig(['--store', `sqlite:${path.join(dir, 'db.sqlite')}`, '--manifests', EXAMPLES, '--no-watch'], AUTH_ENV);
    if (parsed.errors) throw new Error(parsed.errors.join('; '));
    const runtime = await createServerRuntime(parsed.config, { logger: createLogger('trace', sink), defaultMetrics: false });
    const http = supertest(runtime.app);
    const bodies: string[] = [];
    try {
      const validJwt = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('2m').sign(jwtKey);
      const attempts = [
        { 'X-API-Key': `${KEYS.admin}x` },
        { 'X-API-Key': KEYS.admin },
        { Authorization: `Bearer ${KEYS.read}` },
        { Authorization: `Bearer ${KEYS.admin.slice(0, -1)}` },
        { Authorization: `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}` },
        { Authorization: `Basic ${Buffer.from(`ops:${PASSWORD}!`).toString('base64')}` },
        { Authorization: `Bearer ${validJwt}` },
        { Authorization: `Bearer ${validJwt}x` },
        { Cookie: `session=${KEYS.admin}` },
      ];
      for (const headers of attempts) {
        for (const route of ['/api/v1/flags', '/v1/admin/info', '/rest/feature/state', '/ofrep/v1/configuration']) {
          const res = await http.get(route).set(headers);
          bodies.push(res.text);
        }
        bodies.push((await http.post('/api/v1/values').set(headers).send({ updates: [{ key: 'no_such_flag', value: 1 }] })).text);
      }
    } finally {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const configErrors = [
      ...(parseServerConfig([], { SWITCHYARD_API_KEYS: `${KEYS.admin}:root` }).errors ?? []),
      ...(parseServerConfig([], { FLAGS_PASSWORD: PASSWORD }).errors ?? []),
      ...(parseServerConfig([], { FLAGS_JWT_SECRET: JWT_SECRET, SWITCHYARD_JWT_DEFAULT_ROLE: 'god' }).errors ?? []),
      ...(parseServerConfig(['--store', `postgres://app:${PASSWORD}@127.0.0.1:1/db?sslmode=nonsense`]).errors ?? []),
    ];
    expect(configErrors.length).toBeGreaterThanOrEqual(3);
    const startup = await createServerRuntime({ ...parseServerConfig(['--no-watch']).config!, store: `postgres://app:${PASSWORD}@127.0.0.1:1/db` }, { logger: createLogger('trace', sink) }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(startup).toBeInstanceOf(StartupError);
    const everything = [logged, ...bodies, ...configErrors, String((startup as Error).message)].join('\n');
    expect(logged).toContain('"statusCode":401');
    for (const secret of [KEYS.read, KEYS.admin, PASSWORD, JWT_SECRET, Buffer.from(`ops:${PASSWORD}`).toString('base64')]) {
      const at = everything.indexOf(secret);
      expect(at, `leaked ${secret.slice(0, 4)}… in: ${everything.slice(Math.max(0, at - 200), at + 50)}`).toBe(-1);
    }
  });
});
