import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers';
import { runs } from '../../../tooling/testing/property.ts';

/** Small runs with the shared fixed seed by default; `FUZZ_RUNS=n` for nightly-size runs. */
const RUNS = Number(process.env.FUZZ_RUNS) || 0;
const settings = (ci: number) => ({ numRuns: RUNS || runs(ci) });
/** Nightly-size runs take minutes: about 3 ms per request, with room to spare for a loaded machine. */
const TIMEOUT = RUNS ? RUNS * 20 : undefined;

// A fresh server per property: the PUT property stores thousands of flags in a nightly run, which
// would make every later list request (and so the later properties) slower and slower. Requests go
// over keep-alive connections to one listening server: a connection (and a listening socket) per
// request would run out of ephemeral ports after ~28,000 requests in a nightly run.
let s: TestServer;
let listening: Server;
let base: string;
let cases = 0;
beforeEach(async () => {
  s = await testServer();
  listening = createServer(s.runtime.app).listen(0, '127.0.0.1');
  await new Promise((resolve) => listening.once('listening', resolve));
  base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
});
afterEach(async () => {
  listening.closeAllConnections();
  await new Promise((resolve) => listening.close(resolve));
  await s.close();
});

async function request(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(base + path, { method, headers: init.headers, body: init.body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}
afterAll(() => {
  console.log(`[fuzz] server PUT routes, query strings and security rules: ${cases} inputs`);
});

const flagKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);
const queryText = fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constantFrom('true', '[]', '{}', '-1', 'NaN'))), { maxLength: 5 });

describe('hostile input on PUT routes and query strings never makes the server answer 5xx', () => {
  it('PUT /api/v1/flags/:key and /v1/flags/:key with arbitrary JSON and If-Match headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/v1/flags/', '/v1/flags/'),
        flagKey,
        fc.jsonValue({ maxDepth: 4 }),
        fc.option(fc.oneof(fc.string({ maxLength: 10 }), fc.constant('"1"'), fc.constant('*')), { nil: undefined }),
        async (prefix, key, body, ifMatch) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (ifMatch !== undefined) headers['if-match'] = ifMatch.replace(/[^\x20-\x7e]/g, '');
          cases++;
          const res = await request('PUT', prefix + key, { headers, body: JSON.stringify(body) });
          expect(res.status, res.text).toBeLessThan(500);
          expect(res.type).toMatch(/^application\/json/);
        },
      ),
      settings(80),
    );
  }, TIMEOUT);

  it('GET routes with arbitrary query strings', async () => {
    const routes = ['/api/v1/flags', '/api/v1/values', '/api/v1/audit', '/api/v1/features', '/v1/flags', '/manifests/ab-tests', '/ofrep/v1/configuration', '/rest/feature/state'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), queryText, async (route, pairs) => {
        const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        cases++;
        const res = await request('GET', `${route}?${query}`);
        expect(res.status, `${route}?${query}`).toBeLessThan(500);
      }),
      settings(120),
    );
  }, TIMEOUT);

  it('raw, possibly malformed, query strings and repeated parameters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/v1/audit', '/api/v1/values', '/v1/flags', '/api/v1/flags'), fc.string({ unit: fc.constantFrom('a', '=', '&', '%', '[', ']', '1', 'key', 'limit', 'scope', '.', 'E0', '+') , maxLength: 40 }), async (route, raw) => {
        cases++;
        const res = await request('GET', `${route}?${raw}`);
        expect(res.status, `${route}?${raw}`).toBeLessThan(500);
      }),
      settings(120),
    );
  }, TIMEOUT);
});

describe('hostile headers, keys and patterns meet the security rules precisely, never a 5xx', () => {
  const writes = [
    ['POST', '/api/v1/values'],
    ['POST', '/api/v1/features/purge'],
    ['POST', '/v1/admin/migrate'],
    ['POST', '/rest/feature/redisUpdate'],
    ['PUT', '/api/v1/flags/fuzzed'],
    ['DELETE', '/api/v1/flags/fuzzed'],
    ['POST', '/v1/features/run'],
  ] as const;
  const host = fc.oneof(
    fc.constantFrom('localhost', '127.0.0.1', '[::1]', 'evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', '', 'LOCALHOST', '[::ffff:7f00:1]'),
    fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
  );
  const origin = fc.option(fc.oneof(fc.constantFrom('null', 'https://evil.example', 'file://', 'http://localhost', 'not a url'), fc.webUrl().map((u) => new URL(u).origin)), { nil: undefined });

  it('arbitrary Host and Origin headers on writes: 421 for other hosts, 403 for other origins, else the route decides', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), origin, async ([method, path], name, port, originHeader) => {
        cases++;
        const hostHeader = port === undefined ? name : `${name}:${port}`;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (originHeader !== undefined) headers.origin = originHeader;
        // fetch() does not let a caller set Host; a raw request does.
        const res = await rawRequest(method, path, { ...headers, host: hostHeader }, '{}');
        expect(res.status, `${method} ${path} Host: ${hostHeader} Origin: ${originHeader}`).toBeLessThan(500);
        const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(name.toLowerCase());
        if (!loopback) expect(res.status, `Host: ${hostHeader}`).toBe(421);
        else if (originHeader !== undefined && originHeader.toLowerCase() !== `http://${hostHeader.toLowerCase()}`) expect(res.status, `Origin: ${originHeader}`).toBe(403);
      }),
      settings(120),
    );
  }, TIMEOUT);

  it('credential-like query parameters are 400 naming the header, in any case and encoding', async () => {
    const name = fc.constantFrom('api_key', 'apikey', 'api-key', 'x-api-key', 'access_token', 'token', 'password', 'secret', 'jwt', 'authorization');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/v1/flags', '/v1/flags', '/health', '/ofrep/v1/configuration', '/manifests/ab-tests'), name, fc.boolean(), fc.string({ maxLength: 20 }), async (route, key, upper, value) => {
        cases++;
        const shown = upper ? key.toUpperCase() : key;
        const res = await request('GET', `${route}?a=1&${encodeURIComponent(shown)}=${encodeURIComponent(value)}`);
        expect(res.status, `${route} ${shown}`).toBe(400);
        expect(res.text).toContain('X-API-Key');
      }),
      settings(60),
    );
  }, TIMEOUT);

  it('scope maps and keys with reserved or malformed names: refused with 422, never applied to the root', async () => {
    await request('PUT', '/api/v1/flags/fuzz_scoped', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'boolean', fallbackValue: false }) });
    const scopeKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'tenant', 'user', 'ten ant', '', 'a::b'), fc.string({ maxLength: 8 }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(scopeKey, fc.string({ minLength: 1, maxLength: 6 })), { minLength: 1, maxLength: 5 }), fc.boolean(), async (pairs, cds) => {
        cases++;
        // Built as text: an object literal would drop `__proto__` before it is ever sent.
        const scope = `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
        const body = cds ? `{"key":"fuzz_scoped","value":true,"scope":${scope}}` : `{"updates":[{"key":"fuzz_scoped","value":true,"scope":${scope}}]}`;
        const res = await request('POST', cds ? '/rest/feature/redisUpdate' : '/api/v1/values', { headers: { 'content-type': 'application/json' }, body });
        expect(res.status, body).toBeLessThan(500);
        const names = pairs.map(([k]) => k);
        if (names.some((k) => ['__proto__', 'constructor', 'prototype'].includes(k))) expect(res.status, body).toBe(422);
        const values = (await s.runtime.store.listValues())['fuzz_scoped'];
        expect(values?.rootValue, body).toBeUndefined();
      }),
      settings(120),
    );
  }, TIMEOUT);

  it('flag definitions with arbitrary patterns are stored (linear-time engine) or refused with 422; evaluating them never fails', async () => {
    const piece = fc.constantFrom('a', '(', ')', '|', '*', '+', '?', '{2}', '{1001}', '\\1', '(?=', '(?<=', '(?<n>', '[', ']', '\\w', '\\d', '.', '^', '$', '\\u00e9', '\\p{L}');
    const pattern = fc.array(piece, { maxLength: 10 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(pattern, fc.boolean(), fc.string({ maxLength: 40 }), async (regex, asValidation, input) => {
        cases++;
        const definition = asValidation
          ? { type: 'string', fallbackValue: 'x', validations: [{ regex }] }
          : { type: 'boolean', fallbackValue: false, defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'name', operator: 'matches', value: regex }, serve: { type: 'static', value: true } }] } };
        const put = await request('PUT', '/api/v1/flags/fuzz_pattern', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(definition) });
        expect([200, 422], `${regex}: ${put.text}`).toContain(put.status);
        if (put.status === 422) expect(put.text).toContain('invalid regular expression');
        const evaluated = await request('POST', '/ofrep/v1/evaluate/flags/fuzz_pattern', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: { targetingKey: 'u', name: input } }) });
        expect(evaluated.status, regex).toBeLessThan(500);
        if (asValidation && put.status === 200) {
          const write = await request('POST', '/api/v1/values', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ updates: [{ key: 'fuzz_pattern', value: input }] }) });
          expect([204, 422], regex).toContain(write.status);
        }
      }),
      settings(120),
    );
  }, TIMEOUT);
});

/** A request with full control of the headers (Host included), on a fresh connection. */
function rawRequest(method: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
