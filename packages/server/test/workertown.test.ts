import { describe, expect, it } from 'vitest';
import { ISO, sharedTestServer } from './helpers';

const s = sharedTestServer();

describe('Workertown /v1 (the seed examples)', () => {
  it('PUT /v1/flags/:name creates a flag, enabled by default', async () => {
    const res = await s.http.put('/v1/flags/test_flag').send({ description: 'A test flag.' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 200,
      success: true,
      data: { name: 'test_flag', description: 'A test flag.', enabled: true, createdAt: expect.stringMatching(ISO), updatedAt: expect.stringMatching(ISO) },
    });
  });

  it('PUT with conditions upserts and keeps createdAt', async () => {
    const before = (await s.http.get('/v1/flags/test_flag')).body.data;
    const res = await s.http
      .put('/v1/flags/test_flag')
      .set('Content-Type', 'application/json')
      .send('{"description": "A test flag.", "enabled": true, "conditions": [{ "field": "test", "operator": "eq", "value": true }]}');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      name: 'test_flag',
      description: 'A test flag.',
      enabled: true,
      conditions: [{ field: 'test', operator: 'eq', value: true }],
      createdAt: before.createdAt,
      updatedAt: expect.stringMatching(ISO),
    });
  });

  it('GET /v1/flags/:name returns the flag; unknown names are 404 in the envelope', async () => {
    const res = await s.http.get('/v1/flags/test_flag');
    expect(res.status).toBe(200);
    expect(res.body.data.conditions).toEqual([{ field: 'test', operator: 'eq', value: true }]);
    const missing = await s.http.get('/v1/flags/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ status: 404, success: false, data: null, error: 'flag "nope" not found' });
  });

  it('POST /v1/ask lists enabled flags for the context', async () => {
    const none = await s.http.post('/v1/ask').send({ flags: ['test_flag'] });
    expect(none.body).toEqual({ status: 200, success: true, data: [] });
    const withContext = await s.http.post('/v1/ask').send({ flags: ['test_flag'], context: { test: true } });
    expect(withContext.body).toEqual({ status: 200, success: true, data: ['test_flag'] });
    const all = await s.http.post('/v1/ask').send({ context: { test: true } });
    expect(all.body.data).toContain('test_flag');
    // Manifest flags count too: checkout-express-pay is off without new-checkout, new-checkout has no default environment rule.
    expect(all.body.data).not.toContain('checkout_page');
    const empty = await s.http.post('/v1/ask').set('Content-Type', 'application/json').send('{}');
    expect(empty.status).toBe(200);
    expect(empty.body.data).not.toContain('test_flag');
  });

  it('GET /v1/flags hides disabled flags unless include_disabled is 1 or true', async () => {
    await s.http.put('/v1/flags/off_flag').send({ enabled: false });
    // Stored flags only: manifest flags are listed too, marked readOnly (see below).
    const names = async (q: string) => ((await s.http.get(`/v1/flags${q}`)).body.data as { name: string; readOnly?: true }[]).filter((f) => !f.readOnly).map((f) => f.name).sort();
    expect(await names('')).toEqual(['test_flag']);
    expect(await names('?include_disabled=0')).toEqual(['test_flag']);
    expect(await names('?include_disabled=false')).toEqual(['test_flag']);
    expect(await names('?include_disabled=1')).toEqual(['off_flag', 'test_flag']);
    expect(await names('?include_disabled=true')).toEqual(['off_flag', 'test_flag']);
    const bad = await s.http.get('/v1/flags?include_disabled=yes');
    expect(bad.status).toBe(422);
    expect(bad.body.success).toBe(false);
    expect(bad.body.error).toMatch(/^query\.include_disabled: /);
  });

  it('rejects bad bodies with 422 naming the field, and manifest names with 409', async () => {
    const res = await s.http.put('/v1/flags/x').send({ conditions: [{ field: 'a', operator: 'bogus' }] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^body\.conditions\[0\]\.operator: unknown operator/);
    const ro = await s.http.put('/v1/flags/checkout_page').send({});
    expect(ro.status).toBe(409);
    expect(ro.body).toEqual({ status: 409, success: false, data: null, error: 'flag "checkout_page" is defined by the manifest ab-tests.yaml:2:1 and cannot be changed through the API; edit that file' });
  });

  it('DELETE /v1/flags/:name returns {name}, then 404', async () => {
    const res = await s.http.delete('/v1/flags/off_flag');
    expect(res.body).toEqual({ status: 200, success: true, data: { name: 'off_flag' } });
    expect((await s.http.delete('/v1/flags/off_flag')).status).toBe(404);
    expect((await s.http.get('/v1/flags/off_flag')).status).toBe(404);
  });

  it('GET /v1/admin/info names configuration variables, and POST /v1/admin/migrate is idempotent', async () => {
    const info = await s.http.get('/v1/admin/info');
    expect(info.status).toBe(200);
    expect(info.body.data.auth.apiKey.env.apiKey).toBe('FLAGS_API_KEY');
    expect(info.body.data.auth.jwt.env).toEqual({ jwksUrl: 'FLAGS_JWKS_URL', secret: 'FLAGS_JWT_SECRET', audience: 'FLAGS_JWT_AUDIENCE', issuer: 'FLAGS_JWT_ISSUER' });
    expect(info.body.data.endpoints.v1).toMatchObject({ admin: '/v1/admin', ask: '/v1/ask', flags: '/v1/flags' });
    expect(info.body.data.switchyard.store.adapter).toBe('sqlite');
    const migrate = await s.http.post('/v1/admin/migrate').set('Content-Type', 'application/json');
    expect(migrate.body).toEqual({ status: 200, success: true, data: [] });
  });

  it('GET /health answers in the Workertown envelope', async () => {
    const res = await s.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 200, success: true, data: 'OK', checks: { store: { ok: true }, sync: { synced: true } } });
  });
});
