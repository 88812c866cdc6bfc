import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(() => s.close());

const CHECK_PRIORITY_CONFIG = { SOURCE: 'FILE', TYPE: 'number', VALIDATIONS: [{ scopes: ['user', 'tenant'] }, { regex: '^\\d+$' }] };

describe('cds /rest/feature (the seed examples)', () => {
  it('GET state shows fallback, maintained values and configuration', async () => {
    const res = await s.http.get('/rest/feature/state');
    expect(res.status).toBe(200);
    expect(res.body['/check/priority']).toEqual({
      fallbackValue: 0,
      rootValue: 1,
      scopedValues: { 'tenant::people': 10, 'user::alice@wonderland.com': 100 },
      config: CHECK_PRIORITY_CONFIG,
    });
    expect(res.body['/memory/logInterval']).toEqual({ fallbackValue: 0, config: { SOURCE: 'FILE', TYPE: 'number', VALIDATIONS: [{ regex: '^\\d+$' }] } });
    expect(res.body['/fts/check-service-extension']).toEqual({ fallbackValue: false, config: { SOURCE: 'FILE', TYPE: 'boolean' } });
  });

  it('POST redisUpdate with a scope answers 204 and the value is served', async () => {
    const res = await s.http.post('/rest/feature/redisUpdate').send({ key: '/check/priority', value: 10, scope: { tenant: 'people' } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const read = await s.http.post('/rest/feature/redisRead');
    expect(read.body['/check/priority']).toEqual({ fallbackValue: 0, scopedValues: { 'tenant::people': 10 }, config: CHECK_PRIORITY_CONFIG });
    const evaluated = await s.http.post('/ofrep/v1/evaluate/flags/%2Fcheck%2Fpriority').send({ context: { tenant: 'people' } });
    expect(evaluated.body).toMatchObject({ key: '/check/priority', value: 10, reason: 'SCOPED' });
  });

  it('clearSubScopes on the root removes every scoped value', async () => {
    const res = await s.http.post('/rest/feature/redisUpdate').send({ key: '/check/priority', value: 10, options: { clearSubScopes: true } });
    expect(res.status).toBe(204);
    const state = await s.http.get('/rest/feature/state');
    expect(state.body['/check/priority']).toEqual({ fallbackValue: 0, rootValue: 10, config: CHECK_PRIORITY_CONFIG });
  });

  it('an invalid value is 422 with the seed error body, and nothing of the batch is applied', async () => {
    const res = await s.http.post('/rest/feature/redisUpdate').send({ key: '/check/priority', value: 'test' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: { message: 'value "test" has invalid type string, must be number', code: '422', '@Common.numericSeverity': 4 } });
    const batch = await s.http.post('/rest/feature/redisUpdate').send([
      { key: '/memory/logInterval', value: 5 },
      { key: '/check/priority', value: 'test' },
    ]);
    expect(batch.status).toBe(422);
    expect(batch.body.error.message).toBe('[1].value: value "test" has invalid type string, must be number');
    const state = await s.http.get('/rest/feature/state');
    expect(state.body['/memory/logInterval'].rootValue).toBeUndefined();
  });

  it('a malformed entry names the field', async () => {
    const res = await s.http.post('/rest/feature/redisUpdate').send({ value: 1 });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^body\.key: /);
  });

  it('remoteOnly maintains and clears keys without a definition (SOURCE NONE)', async () => {
    expect((await s.http.post('/rest/feature/redisUpdate').send({ key: '/legacy-key', value: 10 })).status).toBe(422);
    const set = await s.http.post('/rest/feature/redisUpdate').send([
      { key: '/legacy-key', value: 10, options: { remoteOnly: true } },
      { key: '/legacy-key', value: 100, scope: { tenant: 'a' }, options: { remoteOnly: true } },
    ]);
    expect(set.status).toBe(204);
    const read = await s.http.post('/rest/feature/redisRead');
    expect(read.body['/legacy-key']).toEqual({ rootValue: 10, scopedValues: { 'tenant::a': 100 }, config: { SOURCE: 'NONE' } });
    const clear = await s.http.post('/rest/feature/redisUpdate').send({ key: '/legacy-key', value: null, options: { clearSubScopes: true, remoteOnly: true } });
    expect(clear.status).toBe(204);
    expect((await s.http.post('/rest/feature/redisRead')).body['/legacy-key']).toBeUndefined();
  });

  it('redisSendCommand is refused with 400 when the store is not Redis', async () => {
    const res = await s.http.post('/rest/feature/redisSendCommand').send({ command: ['INFO'] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('redisSendCommand needs a Redis store; this server uses the sqlite store');
  });
});
