import { describe, expect, it } from 'vitest';
import { sharedTestServer } from './helpers';

const s = sharedTestServer();

describe('public documentation and metrics', () => {
  it('/open-api.json documents every operation with schemas generated from the validators', async () => {
    const res = await s.http.get('/open-api.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/flags/{name}', '/v1/ask', '/rest/feature/redisUpdate', '/ofrep/v1/evaluate/flags/{key}', '/manifests/{set}', '/api/v1/flags/{key}']));
    const put = doc.paths['/v1/flags/{name}'].put;
    expect(put['x-required-role']).toBe('write');
    expect(put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/WorkertownUpsertFlagBody' });
    const body = doc.components.schemas.WorkertownUpsertFlagBody;
    expect(Object.keys(body.properties)).toEqual(['description', 'enabled', 'conditions']);
    expect(doc.components.schemas.FlagDefinition.properties.key).toBeDefined();
    const list = doc.paths['/v1/flags'].get;
    expect(list.parameters).toEqual([{ name: 'include_disabled', in: 'query', required: false, schema: { type: 'string', enum: expect.arrayContaining(['1', 'true', '0', 'false']) } }]);
    // Every $ref points at a component that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) expect(Object.keys(doc.components.schemas)).toContain(ref);
  });

  it('/docs renders the reference without external assets', async () => {
    const res = await s.http.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<code>/v1/ask</code>');
    expect(res.text).not.toMatch(/<script|https?:\/\/cdn/);
  });

  it('/metrics counts requests and evaluations by flag and reason', async () => {
    await s.http.post('/ofrep/v1/evaluate/flags/checkout_page').send({ context: { environment: 'production' } });
    await s.http.post('/ofrep/v1/evaluate/flags/unknown-flag-xyz').send({});
    const res = await s.http.get('/metrics');
    expect(res.text).toContain('switchyard_evaluations_total{flag="checkout_page",reason="STATIC"} 1');
    expect(res.text).toContain('switchyard_evaluations_total{flag="(unknown)",reason="ERROR"} 1');
    expect(res.text).not.toContain('unknown-flag-xyz');
    expect(res.text).toMatch(/switchyard_http_requests_total\{method="POST",route="\/ofrep\/v1\/evaluate\/flags\/:key",status="200"\} 1/);
    expect(res.text).toContain('switchyard_http_request_duration_seconds_bucket');
  });

  it('sets a request id and security headers', async () => {
    const res = await s.http.get('/health/live').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    const generated = await s.http.get('/health/live').set('X-Request-Id', 'bad id with spaces');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
