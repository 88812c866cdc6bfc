import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers';

/** Small fixed-seed runs by default; `FUZZ_RUNS=n` for nightly-size runs. */
const RUNS = Number(process.env.FUZZ_RUNS) || 0;
const runs = (ci: number) => ({ seed: 4242, numRuns: RUNS || ci });
/** Nightly-size runs take minutes: about 3 ms per request, with room to spare. */
const TIMEOUT = RUNS ? RUNS * 10 : undefined;

let s: TestServer;
let cases = 0;
beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => {
  console.log(`[fuzz] server PUT routes and query strings: ${cases} inputs`);
  await s.close();
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
          let req = s.http.put(prefix + key).set('Content-Type', 'application/json');
          if (ifMatch !== undefined) req = req.set('If-Match', ifMatch.replace(/[^\x20-\x7e]/g, ''));
          cases++;
          const res = await req.send(JSON.stringify(body));
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          expect(res.headers['content-type']).toMatch(/^application\/json/);
        },
      ),
      runs(80),
    );
  }, TIMEOUT);

  it('GET routes with arbitrary query strings', async () => {
    const routes = ['/api/v1/flags', '/api/v1/values', '/api/v1/audit', '/api/v1/features', '/v1/flags', '/manifests/ab-tests', '/ofrep/v1/configuration', '/rest/feature/state'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), queryText, async (route, pairs) => {
        const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        cases++;
        const res = await s.http.get(`${route}?${query}`);
        expect(res.status, `${route}?${query}`).toBeLessThan(500);
      }),
      runs(120),
    );
  }, TIMEOUT);

  it('raw, possibly malformed, query strings and repeated parameters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/v1/audit', '/api/v1/values', '/v1/flags', '/api/v1/flags'), fc.string({ unit: fc.constantFrom('a', '=', '&', '%', '[', ']', '1', 'key', 'limit', 'scope', '.', 'E0', '+') , maxLength: 40 }), async (route, raw) => {
        cases++;
        const res = await s.http.get(`${route}?${raw}`);
        expect(res.status, `${route}?${raw}`).toBeLessThan(500);
      }),
      runs(120),
    );
  }, TIMEOUT);
});
