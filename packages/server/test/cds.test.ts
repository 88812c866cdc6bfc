import type { Response } from 'supertest';
import { describe, expect, it } from 'vitest';
import { sharedTestServer } from './helpers';
import { expectSeedState } from './fixtures/cds-app';

const s = sharedTestServer();

const CHECK_PRIORITY_CONFIG = { SOURCE: 'FILE', TYPE: 'number', VALIDATIONS: [{ scopes: ['user', 'tenant'] }, { regex: '^\\d+$' }] };

describe('cds /rest/feature (the seed examples)', () => {
  it('GET state shows fallback, maintained values and configuration', async () => {
    const state = await expectSeedState(s, CHECK_PRIORITY_CONFIG);
    expect(state['/fts/check-service-extension']).toEqual({ fallbackValue: false, config: { SOURCE: 'FILE', TYPE: 'boolean' } });
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

describe('cds /rest/feature paging and scale', () => {
  /** Follows `Link: rel="next"` from `first` and returns every page's keys and the merged body. */
  async function allPages(first: string, method: 'get' | 'post') {
    const pages: string[][] = [];
    const merged: Record<string, unknown> = {};
    let url: string | undefined = first;
    while (url) {
      const res: Response = await s.http[method](url);
      expect(res.status, url).toBe(200);
      pages.push(Object.keys(res.body));
      Object.assign(merged, res.body);
      url = /^<([^>]+)>; rel="next"$/.exec(res.headers.link ?? '')?.[1];
    }
    return { pages, merged };
  }

  it('GET state pages by key with limit/after and a Link header; the pages add up to the whole state', async () => {
    const whole = await s.http.get('/rest/feature/state');
    expect(whole.headers.link).toBeUndefined();
    const keys = Object.keys(whole.body).sort();
    expect(keys.length).toBeGreaterThan(4);
    const { pages, merged } = await allPages('/rest/feature/state?limit=2', 'get');
    expect(pages.flat()).toEqual(keys);
    expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);
    expect(merged).toEqual(whole.body);
    // `after` need not be an existing key; the page starts at the next key in order.
    const after = await s.http.get(`/rest/feature/state?after=${encodeURIComponent(keys[1]! + '\u0000')}&limit=1`);
    expect(Object.keys(after.body)).toEqual([keys[2]]);
    const last = await s.http.get(`/rest/feature/state?after=${encodeURIComponent(keys.at(-1)!)}`);
    expect(last.body).toEqual({});
    expect(last.headers.link).toBeUndefined();
  });

  it('refuses paging parameters it cannot honour (422 in the cds error shape, naming the parameter)', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=two', 'after=', 'limt=2']) {
      const res = await s.http.get(`/rest/feature/state?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.error.message, query).toMatch(/^query(\.(limit|after)|: unknown key "limt" \(did you mean "limit"\?\))/);
    }
  });

  it('1,000 scoped values on one toggle: each user is served its own value; redisRead pages them by toggle', async () => {
    const users = Array.from({ length: 1000 }, (_, i) => `user-${i}@example.com`);
    const write = await s.http
      .post('/rest/feature/redisUpdate')
      .send(users.map((user, i) => ({ key: '/check/priority', value: i, scope: { user } })));
    expect(write.status).toBe(204);
    for (const i of [0, 1, 499, 999]) {
      const res = await s.http.post('/ofrep/v1/evaluate/flags/%2Fcheck%2Fpriority').send({ context: { targetingKey: 'x', user: users[i] } });
      expect(res.body, users[i]).toMatchObject({ value: i, reason: 'SCOPED' });
    }
    // `/check/priorit` sorts just before `/check/priority`: a page of that one toggle.
    const state = await s.http.get(`/rest/feature/state?limit=1&after=${encodeURIComponent('/check/priorit')}`);
    expect(Object.keys(state.body)).toEqual(['/check/priority']);
    const scoped = state.body['/check/priority'].scopedValues as Record<string, number>;
    for (const [i, user] of users.entries()) expect(scoped[`user::${user}`]).toBe(i);
    const { pages } = await allPages('/rest/feature/redisRead?limit=1', 'post');
    expect(pages.every((p) => p.length === 1)).toBe(true);
    expect(pages.flat()).toContain('/check/priority');
  });
});
