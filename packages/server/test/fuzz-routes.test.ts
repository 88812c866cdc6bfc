import { createServer, type Server } from 'node:http';
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

async function request(method: 'GET' | 'PUT', path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(base + path, { method, headers: init.headers, body: init.body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}
afterAll(() => {
  console.log(`[fuzz] server PUT routes and query strings: ${cases} inputs`);
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
