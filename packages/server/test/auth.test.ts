import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers';

const KEYS = { read: 'k-read-0123456789ab', write: 'k-write-0123456789a', admin: 'k-admin-0123456789a' };
const JWT_SECRET = 'a-long-shared-secret-for-hs256-tests!';
let s: TestServer;
beforeAll(async () => {
  s = await testServer({
    env: {
      SWITCHYARD_API_KEYS: `${KEYS.read}:read,${KEYS.write}:write,${KEYS.admin}:admin`,
      FLAGS_USERNAME: 'ops',
      FLAGS_PASSWORD: 'pa:ss',
      FLAGS_JWT_SECRET: JWT_SECRET,
      FLAGS_JWT_ISSUER: 'https://issuer.example',
      FLAGS_JWT_AUDIENCE: 'switchyard',
    },
  });
});
afterAll(() => s.close());

type Role = 'read' | 'write' | 'admin';
interface RouteCase {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  role: Role | 'public';
  body?: unknown;
}

/** Every route with the least role it needs. Bodies are valid so that an accepted request is never 401/403. */
const ROUTES: RouteCase[] = [
  { method: 'get', path: '/health', role: 'public' },
  { method: 'get', path: '/health/live', role: 'public' },
  { method: 'get', path: '/', role: 'public' },
  { method: 'get', path: '/open-api.json', role: 'public' },
  { method: 'get', path: '/docs', role: 'public' },
  { method: 'get', path: '/metrics', role: 'public' },
  { method: 'get', path: '/api/v1/flags', role: 'read' },
  { method: 'get', path: '/api/v1/flags/checkout_page', role: 'read' },
  { method: 'put', path: '/api/v1/flags/auth-matrix', role: 'write', body: { type: 'boolean', fallbackValue: false } },
  { method: 'delete', path: '/api/v1/flags/auth-matrix-none', role: 'write' },
  { method: 'get', path: '/api/v1/values', role: 'read' },
  { method: 'post', path: '/api/v1/values', role: 'write', body: { updates: [{ key: '/memory/logInterval', value: 5 }] } },
  { method: 'post', path: '/api/v1/evaluate', role: 'read', body: {} },
  { method: 'get', path: '/api/v1/audit', role: 'read' },
  { method: 'get', path: '/api/v1/features', role: 'admin' },
  { method: 'post', path: '/api/v1/features/purge', role: 'admin', body: {} },
  { method: 'get', path: '/v1/flags', role: 'read' },
  { method: 'get', path: '/v1/flags/none', role: 'read' },
  { method: 'put', path: '/v1/flags/wt_auth', role: 'write', body: {} },
  { method: 'delete', path: '/v1/flags/wt_none', role: 'write' },
  { method: 'post', path: '/v1/ask', role: 'read', body: {} },
  { method: 'get', path: '/v1/admin/info', role: 'admin' },
  { method: 'post', path: '/v1/admin/migrate', role: 'admin' },
  { method: 'get', path: '/rest/feature/state', role: 'read' },
  { method: 'post', path: '/rest/feature/redisRead', role: 'read' },
  { method: 'post', path: '/rest/feature/redisUpdate', role: 'write', body: { key: '/memory/logInterval', value: 3 } },
  { method: 'post', path: '/rest/feature/redisSendCommand', role: 'admin', body: { command: ['PING'] } },
  { method: 'get', path: '/manifests/ab-tests', role: 'read' },
  { method: 'get', path: '/ab-tests', role: 'read' },
  { method: 'post', path: '/ofrep/v1/evaluate/flags/checkout_page', role: 'read', body: {} },
  { method: 'post', path: '/ofrep/v1/evaluate/flags', role: 'read', body: {} },
  { method: 'get', path: '/ofrep/v1/configuration', role: 'read' },
  { method: 'get', path: '/api/v1/whoami', role: 'read' },
  { method: 'post', path: '/v1/features/run', role: 'write', body: { env: 'dev', product: 'p', feature_tag: 'f', input: {} } },
  { method: 'get', path: '/v1/features/runs', role: 'write' },
  { method: 'get', path: '/v1/features/runs/none', role: 'write' },
];

const RANK = { public: 0, read: 1, write: 2, admin: 3 } as const;

function call(route: RouteCase, headers: Record<string, string>) {
  let req = s.http[route.method](route.path);
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return route.body === undefined ? req : req.send(route.body as object);
}

describe('auth matrix: every route × no credentials / read / write / admin', () => {
  it('covers every registered operation (the event stream is tested below)', () => {
    const ops = s.runtime.app.locals.switchyard.context.operations.operations as { method: string; path: string; role?: string }[];
    const uncovered = ops.filter((op) => {
      if (op.path === '/v1/stream') return false;
      const pattern = new RegExp(`^${op.path.replace(/:[A-Za-z]+/g, '[^/]+').replace(/\*[A-Za-z]+/g, '.+')}$`);
      return !ROUTES.some((r) => r.method === op.method && pattern.test(r.path) && r.role === (op.role ?? 'public'));
    });
    expect(uncovered).toEqual([]);
  });

  for (const route of ROUTES) {
    it(`${route.method.toUpperCase()} ${route.path} needs ${route.role}`, async () => {
      const anonymous = await call(route, {});
      if (route.role === 'public') expect(anonymous.status).toBeLessThan(400);
      else {
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="switchyard", Basic realm="switchyard"');
      }
      for (const role of ['read', 'write', 'admin'] as const) {
        const res = await call(route, { Authorization: `Bearer ${KEYS[role]}` });
        if (RANK[role] >= RANK[route.role]) expect([401, 403], `${role} on ${route.path}`).not.toContain(res.status);
        else expect(res.status, `${role} on ${route.path}`).toBe(403);
      }
    });
  }
});

describe('auth strategies', () => {
  it('accepts X-API-Key, refuses unknown keys with 401 and names the missing role on 403', async () => {
    expect((await s.http.get('/v1/flags').set('X-API-Key', KEYS.read)).status).toBe(200);
    const wrong = await s.http.get('/v1/flags').set('X-API-Key', 'k-read-12');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ status: 401, success: false, data: null, error: 'the credentials were not accepted' });
    const forbidden = await s.http.get('/v1/admin/info').set('X-API-Key', KEYS.write);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toBe('this operation needs the admin role; the credentials have write');
  });

  it('accepts basic auth (Workertown FLAGS_USERNAME/FLAGS_PASSWORD, admin)', async () => {
    const ok = await s.http.get('/v1/admin/info').auth('ops', 'pa:ss');
    expect(ok.status).toBe(200);
    expect((await s.http.get('/v1/admin/info').auth('ops', 'pa:sx')).status).toBe(401);
    expect((await s.http.get('/v1/admin/info').auth('opz', 'pa:ss')).status).toBe(401);
  });

  it('accepts HS256 JWTs with issuer and audience; the role claim decides, default read', async () => {
    const secret = new TextEncoder().encode(JWT_SECRET);
    const sign = (claims: Record<string, unknown>, iss = 'https://issuer.example', aud = 'switchyard', exp = '5m') =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(iss).setAudience(aud).setIssuedAt().setExpirationTime(exp).sign(secret);
    const writer = await sign({ role: 'write' });
    expect((await s.http.put('/v1/flags/jwt_flag').set('Authorization', `Bearer ${writer}`).send({})).status).toBe(200);
    const audit = await s.http.get('/api/v1/audit?key=jwt_flag').set('Authorization', `Bearer ${writer}`);
    expect(audit.body.entries[0].actor).toBe('jwt:alice');
    const reader = await sign({});
    expect((await s.http.put('/v1/flags/jwt_flag').set('Authorization', `Bearer ${reader}`).send({})).status).toBe(403);
    expect((await s.http.get('/v1/flags').set('Authorization', `Bearer ${reader}`)).status).toBe(200);
    const admin = await sign({ roles: ['read', 'admin'] }).then(() => sign({ role: 'admin' }));
    expect((await s.http.get('/v1/admin/info').set('Authorization', `Bearer ${admin}`)).status).toBe(200);
    expect((await s.http.get('/v1/flags').set('Authorization', `Bearer ${await sign({}, 'https://evil.example')}`)).status).toBe(401);
    expect((await s.http.get('/v1/flags').set('Authorization', `Bearer ${await sign({}, undefined, 'other')}`)).status).toBe(401);
    expect((await s.http.get('/v1/flags').set('Authorization', `Bearer ${await sign({}, undefined, undefined, '-1m')}`)).status).toBe(401);
  });

  it('whoami reports the principal and its role', async () => {
    expect((await s.http.get('/api/v1/whoami').set('Authorization', `Bearer ${KEYS.write}`)).body).toEqual({ id: expect.any(String), role: 'write', via: 'api-key' });
    expect((await s.http.get('/api/v1/whoami').auth('ops', 'pa:ss')).body).toMatchObject({ role: 'admin', via: 'basic' });
  });

  it('streams need read', async () => {
    expect((await s.http.get('/v1/stream')).status).toBe(401);
  });
});
