// Probes of the server as a hostile web page, a hostile client and a log reader would run them:
// CSRF, DNS rebinding, credentials in URLs, reserved keys, weak secrets and log redaction.
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationSpec } from '../src/http/operations';
import { createLogger, createServerRuntime, parseServerConfig } from '../src/index';
import { sharedTestServer, type TestServer, testServer } from './helpers';

const KEYS = { read: 'probe-read-key-0123456789', write: 'probe-write-key-0123456789', admin: 'probe-admin-key-0123456789' };
const PASSWORD = 'probe-basic-password-0123';
const JWT_SECRET = 'probe-jwt-secret-that-is-32-bytes-or-more!';
const AUTH_ENV = {
  SWITCHYARD_API_KEYS: `${KEYS.read}:read,${KEYS.write}:write,${KEYS.admin}:admin`,
  FLAGS_USERNAME: 'ops',
  FLAGS_PASSWORD: PASSWORD,
  FLAGS_JWT_SECRET: JWT_SECRET,
};
const EVIL = 'https://evil.example';

/** Operations that change state, from the server's own registry, so a new route is probed when added. */
function writes(s: TestServer): OperationSpec[] {
  const registry = s.runtime.app.locals.switchyard.context.operations as { operations: OperationSpec[] };
  return registry.operations.filter((op) => op.method !== 'get');
}

function urlOf(op: OperationSpec): string {
  return op.path.replace(/:key|:name|:id/g, 'probe-flag').replace(/\*\w+/g, 'probe-flag');
}

async function storeState(s: TestServer): Promise<string> {
  const store = s.runtime.store;
  return JSON.stringify({ flags: await store.listFlags(), values: await store.listValues(), audit: await store.listAudit({ limit: 1000 }), features: await store.listFeatures() });
}

describe('CSRF: a page on another site cannot change anything, even without credentials configured', () => {
  const s = sharedTestServer();
  const withCors = sharedTestServer({ argv: ['--cors-origin', 'https://console.example'] });
  beforeAll(async () => {
    // Something for a purge to remove, so "unchanged" means something.
    await s.runtime.store.setFeatureValue('probe-feature', 'user-1', true);
  });

  it('every state-changing operation with a foreign Origin is 403, whatever its media type, and nothing changes', async () => {
    const before = await storeState(s);
    const ops = writes(s);
    expect(ops.map((o) => o.operationId)).toEqual(expect.arrayContaining(['purgeFeatures', 'workertownAdminMigrate', 'putFlag', 'deleteFlag', 'runFeature']));
    for (const op of ops) {
      for (const [origin, type, body] of [
        [EVIL, 'text/plain', '{}'],
        [EVIL, 'application/json', '{}'],
        [EVIL, undefined, undefined],
        ['null', 'application/x-www-form-urlencoded', 'a=1'],
        [`${EVIL}:443`, 'application/json', '{"updates": []}'],
      ] as const) {
        let req = s.http[op.method](urlOf(op)).set('Origin', origin);
        if (type) req = req.set('Content-Type', type);
        const res = await (body === undefined ? req : req.send(body));
        expect(res.status, `${op.method.toUpperCase()} ${op.path} from ${origin} as ${type}`).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.stringify(res.body)).toContain('cross-origin request from');
      }
    }
    expect(await storeState(s)).toBe(before);
  });

  it('the purge and migrate probes: text/plain without Origin is 415, a foreign Origin 403; the same origin and allowed origins are served', async () => {
    expect((await s.http.post('/api/v1/features/purge').set('Content-Type', 'text/plain').send('{}')).status).toBe(415);
    expect((await s.http.post('/v1/admin/migrate').set('Content-Type', 'text/plain').send('')).status).toBe(415);
    expect((await s.http.post('/api/v1/features/purge').set('Origin', EVIL).set('Content-Type', 'application/json').send('{}')).status).toBe(403);
    // The server's own origin (the console at /ui) is served.
    const own = await s.http.post('/api/v1/evaluate').set('Host', 'localhost:4321').set('Origin', 'http://localhost:4321').set('Content-Type', 'application/json').send('{}');
    expect(own.status).toBe(200);
    // An origin allowed for CORS may write; others may not.
    const allowed = await withCors.http.post('/api/v1/evaluate').set('Origin', 'https://console.example').set('Content-Type', 'application/json').send('{}');
    expect(allowed.status).toBe(200);
    expect((await withCors.http.post('/api/v1/evaluate').set('Origin', EVIL).set('Content-Type', 'application/json').send('{}')).status).toBe(403);
    // Reads (GET) are not writes: a cross-origin page cannot read the answer without CORS anyway.
    expect((await s.http.get('/api/v1/flags').set('Origin', EVIL)).status).toBe(200);
  });
});

describe('DNS rebinding: without credentials only loopback names (and SWITCHYARD_ALLOWED_HOSTS) are served', () => {
  let open: TestServer;
  let listed: TestServer;
  let keyed: TestServer;
  let keyedListed: TestServer;
  beforeAll(async () => {
    open = await testServer();
    listed = await testServer({ env: { SWITCHYARD_ALLOWED_HOSTS: 'flags.internal, 10.0.0.5' } });
    keyed = await testServer({ env: AUTH_ENV });
    keyedListed = await testServer({ env: { ...AUTH_ENV, SWITCHYARD_ALLOWED_HOSTS: 'flags.example.com' } });
  });
  afterAll(async () => {
    for (const s of [open, listed, keyed, keyedListed]) await s.close();
  });

  it('a rebound name gets 421 with a JSON error on every route, reads and workflow runs included', async () => {
    for (const [method, path] of [
      ['get', '/api/v1/flags'],
      ['get', '/v1/flags'],
      ['get', '/health'],
      ['post', '/v1/features/run'],
      ['put', '/api/v1/flags/rebound'],
      ['get', '/v1/stream'],
    ] as const) {
      const res = await open.http[method](path).set('Host', 'evil.example:3000').set('Content-Type', 'application/json').send(method === 'get' ? undefined : '{}');
      expect(res.status, `${method} ${path}`).toBe(421);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.stringify(res.body)).toContain('this server does not answer to host \\"evil.example\\"');
    }
    expect((await open.runtime.store.getFlag('rebound'))).toBeUndefined();
  });

  it('loopback names on any port, and configured names, are served', async () => {
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:8080', '[::1]:3000', 'LOCALHOST:1']) {
      expect((await open.http.get('/api/v1/flags').set('Host', host)).status, host).toBe(200);
    }
    expect((await open.http.get('/api/v1/flags').set('Host', 'flags.internal')).status).toBe(421);
    expect((await listed.http.get('/api/v1/flags').set('Host', 'flags.internal:8443')).status).toBe(200);
    expect((await listed.http.get('/api/v1/flags').set('Host', '10.0.0.5')).status).toBe(200);
    expect((await listed.http.get('/api/v1/flags').set('Host', 'localhost')).status).toBe(200);
    expect((await listed.http.get('/api/v1/flags').set('Host', 'flags.internal.evil.example')).status).toBe(421);
  });

  it('with credentials any Host is served unless a list is configured, which is then the only names served', async () => {
    expect((await keyed.http.get('/api/v1/flags').set('Host', 'flags.example.com').set('X-API-Key', KEYS.read)).status).toBe(200);
    expect((await keyedListed.http.get('/api/v1/flags').set('Host', 'flags.example.com').set('X-API-Key', KEYS.read)).status).toBe(200);
    expect((await keyedListed.http.get('/api/v1/flags').set('Host', 'evil.example').set('X-API-Key', KEYS.read)).status).toBe(421);
    expect((await keyedListed.http.get('/api/v1/flags').set('Host', '127.0.0.1').set('X-API-Key', KEYS.read)).status).toBe(421);
  });

  it('refuses allowed hosts that are not host names', () => {
    expect(parseServerConfig([], { SWITCHYARD_ALLOWED_HOSTS: 'https://flags.example.com' }).errors).toEqual([
      'allowed host "https://flags.example.com" must be a host name or an IP address, without scheme or port',
    ]);
    expect(parseServerConfig(['--allowed-host', 'a.example', '--allowed-host', 'b.example']).config?.allowedHosts).toEqual(['a.example', 'b.example']);
  });
});

describe('credentials are accepted in headers only', () => {
  const s = sharedTestServer({ env: AUTH_ENV });

  it('a key in the query string is refused with 400 naming the header, before it is checked', async () => {
    for (const name of ['api_key', 'apikey', 'API_KEY', 'access_token', 'token', 'password', 'jwt']) {
      const res = await s.http.get(`/api/v1/flags?${name}=${KEYS.read}`);
      expect(res.status, name).toBe(400);
      expect(res.body.error.message).toMatch(/^credentials are not accepted in the URL \(query parameter ".+"\): send the API key in the X-API-Key header or as Authorization: Bearer KEY$/);
      expect(JSON.stringify(res.body)).not.toContain(KEYS.read);
    }
    // Other query parameters (audit's key filter, Featuris attributes) are untouched.
    expect((await s.http.get('/api/v1/audit?key=probe').set('X-API-Key', KEYS.read)).status).toBe(200);
  });
});

describe('__proto__, constructor and prototype are refused as flag keys and scope keys (422), and nothing is written', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
    await s.http.put('/api/v1/flags/scoped-flag').send({ type: 'boolean', fallbackValue: false }).expect(200);
  });
  afterAll(() => s.close());

  it('scoped writes with a reserved scope key never become root writes', async () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const native = await s.http.post('/api/v1/values').set('Content-Type', 'application/json').send(`{"updates":[{"key":"scoped-flag","value":true,"scope":{"${name}":"x"}}]}`);
      expect(native.status, name).toBe(422);
      expect(native.body.error.message).toContain(`scope key "${name}" is reserved`);
      const cds = await s.http.post('/rest/feature/redisUpdate').set('Content-Type', 'application/json').send(`{"key":"scoped-flag","value":true,"scope":{"tenant":"a","${name}":"x"}}`);
      expect(cds.status, name).toBe(422);
      expect(cds.body.error.code).toBe('422');
    }
    expect(await s.runtime.store.listValues()).toEqual({});
    const evaluated = await s.http.post('/ofrep/v1/evaluate/flags/scoped-flag').set('Content-Type', 'application/json').send({ context: { targetingKey: 'anyone' } });
    expect(evaluated.body.value).toBe(false);
  });

  it('reserved flag keys are refused by the native API, Workertown /v1 and value writes', async () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const native = await s.http.put(`/api/v1/flags/${name}`).send({ type: 'boolean', fallbackValue: false });
      expect(native.status, name).toBe(422);
      expect(native.body.error.message).toContain(`flag key "${name}" is reserved`);
      const workertown = await s.http.put(`/v1/flags/${name}`).send({});
      expect(workertown.status, name).toBe(422);
      expect(workertown.body).toMatchObject({ success: false, error: `flag key "${name}" is reserved (__proto__, constructor, prototype are never keys)` });
      const value = await s.http.post('/api/v1/values').send({ updates: [{ key: name, value: 1, remoteOnly: true }] });
      expect(value.status, name).toBe(422);
      const prerequisite = await s.http.put('/api/v1/flags/needs-proto').send({ type: 'boolean', fallbackValue: false, prerequisites: [{ flag: name }] });
      expect(prerequisite.status, name).toBe(422);
    }
    expect((await s.runtime.store.listFlags()).map((f) => f.definition.key)).toEqual(['scoped-flag']);
  });

  it('keys outside the grammar are refused the same way', async () => {
    expect((await s.http.post('/api/v1/values').send({ updates: [{ key: 'scoped-flag', value: true, scope: { 'ten ant': 'a' } }] })).status).toBe(422);
    expect((await s.http.post('/api/v1/values').send({ updates: [{ key: 'has space', value: true, remoteOnly: true }] })).status).toBe(422);
    expect((await s.http.put('/v1/flags/has%20space').send({})).status).toBe(422);
  });
});

describe('weak secrets refuse to start unless SWITCHYARD_ALLOW_WEAK_KEYS=1', () => {
  it('API keys under 16 characters and JWT secrets under 32 bytes are configuration errors naming where they came from', () => {
    expect(parseServerConfig([], { SWITCHYARD_API_KEYS: `${KEYS.admin}:admin,short-key:read` }).errors).toEqual([
      'SWITCHYARD_API_KEYS entry 2 is 9 characters long; API keys need at least 16 (generate one with `openssl rand -hex 24`, or set SWITCHYARD_ALLOW_WEAK_KEYS=1 for tests and demos)',
    ]);
    expect(parseServerConfig([], { FLAGS_API_KEY: 'abc' }).errors?.[0]).toMatch(/^FLAGS_API_KEY is 3 characters long; API keys need at least 16/);
    expect(parseServerConfig([], { FLAGS_JWT_SECRET: 'thirty-one-bytes-long-secret!!!' }).errors?.[0]).toMatch(/^FLAGS_JWT_SECRET is 31 bytes long; JWT secrets need at least 32/);
    expect(parseServerConfig([], { FLAGS_JWT_SECRET: JWT_SECRET }).errors).toBeUndefined();
    expect(parseServerConfig([], { SWITCHYARD_API_KEYS: `${KEYS.admin}:admin` }).errors).toBeUndefined();
    // The key itself is never echoed.
    expect(JSON.stringify(parseServerConfig([], { SWITCHYARD_API_KEYS: 'tiny-secret:read' }).errors)).not.toContain('tiny-secret');
  });

  it('SWITCHYARD_ALLOW_WEAK_KEYS=1 starts, with a warning in the log', async () => {
    expect(parseServerConfig([], { FLAGS_API_KEY: 'abc', SWITCHYARD_ALLOW_WEAK_KEYS: '1' }).config?.allowWeakKeys).toBe(true);
    expect(parseServerConfig([], { SWITCHYARD_ALLOW_WEAK_KEYS: 'yes' }).errors).toEqual(['SWITCHYARD_ALLOW_WEAK_KEYS must be 1 or 0, got "yes"']);
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) });
    const parsed = parseServerConfig(['--store', 'memory:', '--no-watch'], { SWITCHYARD_API_KEYS: 'demo-key:admin', SWITCHYARD_ALLOW_WEAK_KEYS: '1' });
    const runtime = await createServerRuntime(parsed.config!, { logger: createLogger('warn', sink), defaultMetrics: false });
    await runtime.close();
    const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.includes('SWITCHYARD_ALLOW_WEAK_KEYS'));
    expect(warning).toMatchObject({ level: 40 });
    expect(warning!.msg).toMatch(/starting with a weak secret \(API key 1 is 8 characters long; API keys need at least 16\)/);
    expect(lines.join('')).not.toContain('demo-key');
  });
});

describe('no secret reaches a log line', () => {
  it('headers, query strings, bodies and failures: the captured log holds none of the secrets used', async () => {
    const jwt = await new SignJWT({ role: 'write' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('2m').sign(new TextEncoder().encode(JWT_SECRET));
    const basic = Buffer.from(`ops:${PASSWORD}`).toString('base64');
    const secrets = [KEYS.read, KEYS.write, KEYS.admin, PASSWORD, JWT_SECRET, jwt, basic, 'wrong-but-maybe-real-key-0001'];
    let logged = '';
    const sink = new Writable({ write: (chunk, _enc, done) => void ((logged += String(chunk)), done()) });
    for (const level of ['trace', 'warn'] as const) {
      // The server's own logger, without the secrets list: redaction must come from the structure.
      const s = await testServer({ env: AUTH_ENV, logger: createLogger(level, sink) });
      try {
        const attempts: Record<string, string>[] = [
          { 'X-API-Key': KEYS.read },
          { Authorization: `Bearer ${KEYS.admin}` },
          { Authorization: `Bearer ${jwt}` },
          { Authorization: `Basic ${basic}` },
          { 'X-API-Key': 'wrong-but-maybe-real-key-0001' },
          { 'Proxy-Authorization': `Basic ${basic}` },
          { Cookie: `session=${KEYS.write}` },
        ];
        for (const headers of attempts) {
          await s.http.get('/api/v1/flags').set(headers);
          await s.http.get('/v1/admin/info').set(headers);
          await s.http.post('/api/v1/values').set(headers).set('Content-Type', 'application/json').send({ updates: [{ key: 'no_such_flag', value: KEYS.admin }] });
        }
        for (const query of [`api_key=${KEYS.admin}`, `access_token=${jwt}`, `token=${KEYS.write}&x=1`, `PASSWORD=${PASSWORD}`, `apikey=${encodeURIComponent(KEYS.read)}`]) {
          expect((await s.http.get(`/api/v1/flags?${query}`)).status).toBe(400);
          await s.http.get(`/no/such/route?${query}`);
        }
        // A malformed body with a secret in it, from an authenticated caller.
        await s.http.post('/api/v1/values').set('X-API-Key', KEYS.write).set('Content-Type', 'application/json').send(`{"updates": "${PASSWORD}`);
      } finally {
        await s.close();
      }
    }
    expect(logged).toContain('"statusCode":401');
    expect(logged).toContain('api_key=[redacted]');
    for (const secret of secrets) {
      const at = logged.indexOf(secret);
      expect(at, `leaked ${secret.slice(0, 6)}… in: ${logged.slice(Math.max(0, at - 200), at + 50)}`).toBe(-1);
    }
  });

  it('createLogger masks configured secrets anywhere in a line, as the runtime configures it', () => {
    let logged = '';
    const sink = new Writable({ write: (chunk, _enc, done) => void ((logged += String(chunk)), done()) });
    const logger = createLogger('info', sink, { secrets: [KEYS.admin, 'with"quote-secret'] });
    logger.info({ detail: `token ${KEYS.admin} used`, nested: { q: 'with"quote-secret' } }, `message with ${KEYS.admin}`);
    expect(logged).not.toContain(KEYS.admin);
    expect(logged).not.toContain('quote-secret');
    expect(logged).toContain('token [redacted] used');
  });
});
