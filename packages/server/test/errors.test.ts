import { describe, expect, it } from 'vitest';
import { sharedTestServer } from './helpers';
import { runs } from '../../../tooling/testing/property.ts';

const s = sharedTestServer({ argv: ['--body-limit', '200'] });

describe('bad input never produces a 5xx', () => {
  it('malformed JSON is 400 with a JSON message in each surface shape', async () => {
    const native = await s.http.post('/api/v1/evaluate').set('Content-Type', 'application/json').send('{"context": ');
    expect(native.status).toBe(400);
    expect(native.body.error.code).toBe('BAD_REQUEST');
    expect(native.body.error.message).toMatch(/^malformed JSON in the request body/);
    const wt = await s.http.post('/v1/ask').set('Content-Type', 'application/json').send('[');
    expect(wt.status).toBe(400);
    expect(wt.body).toMatchObject({ status: 400, success: false, data: null });
    const cds = await s.http.post('/rest/feature/redisUpdate').set('Content-Type', 'application/json').send('nope');
    expect(cds.status).toBe(400);
    expect(cds.body.error).toMatchObject({ code: '400', '@Common.numericSeverity': 4 });
  });

  it('a body above the limit is 413', async () => {
    const res = await s.http.post('/api/v1/evaluate').send({ context: { big: 'x'.repeat(500) } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('unknown routes are 404 JSON, reserved prefixes do not fall through to flag sets', async () => {
    const res = await s.http.get('/api/v1/nothing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /api/v1/nothing' } });
    const wt = await s.http.get('/v1/nothing');
    expect(wt.body).toEqual({ status: 404, success: false, data: null, error: 'no route for GET /v1/nothing' });
    expect((await s.http.post('/ab-tests')).status).toBe(404);
  });

  it('bad percent-encoding in a path is a 400, not a 500', async () => {
    const res = await s.http.get('/api/v1/flags/%E0%A4%A');
    expect(res.status).toBe(400);
  });

  it('property-based: arbitrary JSON bodies never make a route answer 5xx', async () => {
    const fc = await import('fast-check');
    const routes = ['/api/v1/evaluate', '/api/v1/values', '/v1/ask', '/rest/feature/redisUpdate', '/ofrep/v1/evaluate/flags', '/ofrep/v1/evaluate/flags/checkout_page'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue({ maxDepth: 3 }), async (route, body) => {
        const res = await s.http.post(route).set('Content-Type', 'application/json').send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: runs(150) },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const res = await s.http.put('/v1/flags/prop_flag').set('Content-Type', 'application/json').send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: runs(60) },
    );
  });
});
