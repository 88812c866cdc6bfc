import { serviceUrl, uniqueNamespace } from '@switchyard/store-test-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchemaAt, testServer, type TestServer } from './helpers';
import { deleteRedisKeys } from '../../../tooling/testing/redis-keys.ts';

const redisUrl = await serviceUrl('redis');
const postgresUrl = await serviceUrl('postgres');

describe.skipIf(!redisUrl)('two instances on one Redis store', () => {
  let a: TestServer;
  let b: TestServer;
  const prefix = uniqueNamespace('sy_server');
  beforeAll(async () => {
    const store = `${redisUrl}/?prefix=${prefix}`;
    a = await testServer({ store });
    b = await testServer({ store });
  });
  afterAll(async () => {
    // Only this suite's own keys: the Redis server is shared with other suites and other checkouts.
    await deleteKeysUnder(a, prefix);
    await a.close();
    await b.close();
  });

  it('each instance sees the other one writes, live', async () => {
    expect((await a.http.put('/v1/flags/shared_flag').send({ description: 'from a' })).status).toBe(200);
    await expect.poll(async () => (await b.http.post('/v1/ask').send({ flags: ['shared_flag'] })).body.data, { timeout: 10_000 }).toEqual(['shared_flag']);
    expect((await b.http.post('/rest/feature/redisUpdate').send({ key: '/check/priority', value: 42 })).status).toBe(204);
    await expect
      .poll(async () => (await a.http.post('/ofrep/v1/evaluate/flags/%2Fcheck%2Fpriority').send({})).body.value, { timeout: 10_000 })
      .toBe(42);
    expect((await b.http.delete('/v1/flags/shared_flag')).status).toBe(200);
    await expect.poll(async () => (await a.http.get('/v1/flags/shared_flag')).status, { timeout: 10_000 }).toBe(404);
  });

  it('streams the other instance writes to its SSE clients', async () => {
    const feed = b.runtime.app.locals.switchyard.context.feed;
    const seen: string[][] = [];
    const stop = feed.subscribe((e: { keys: string[] }) => seen.push(e.keys));
    await a.http.put('/v1/flags/streamed_across').send({});
    await expect.poll(() => seen.some((k) => k.includes('streamed_across')), { timeout: 10_000 }).toBe(true);
    stop();
  });

  it('redisSendCommand passes commands to Redis for admins', async () => {
    const ping = await a.http.post('/rest/feature/redisSendCommand').send({ command: ['PING'] });
    expect(ping.status).toBe(200);
    expect(ping.text).toBe('PONG');
    const bad = await a.http.post('/rest/feature/redisSendCommand').send({ command: ['NOSUCHCOMMAND'] });
    expect(bad.status).toBe(403);
    expect(bad.body.error.message).toMatch(/^redis command "NOSUCHCOMMAND" is not allowed; allowed: PING, KEYS, SCAN/);
  });
});

describe.skipIf(!postgresUrl)('routes on Postgres', () => {
  let a: TestServer;
  let b: TestServer;
  const schema = uniqueNamespace('sy_server');
  beforeAll(async () => {
    const store = `${postgresUrl}?schema=${schema}`;
    a = await testServer({ store });
    b = await testServer({ store });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    // Only this suite's own schema: the database is shared.
    await dropSchemaAt(postgresUrl!, schema);
  });

  it('serves Workertown, cds and native writes and propagates them to a second instance', async () => {
    const put = await a.http.put('/v1/flags/pg_flag').send({ conditions: [{ field: 'plan', operator: 'in', value: ['pro'] }] });
    expect(put.body.data).toMatchObject({ name: 'pg_flag', enabled: true, conditions: [{ field: 'plan', operator: 'in', value: ['pro'] }] });
    expect((await a.http.post('/v1/ask').send({ context: { plan: 'pro' }, flags: ['pg_flag'] })).body.data).toEqual(['pg_flag']);
    expect((await a.http.post('/rest/feature/redisUpdate').send({ key: '/check/priority', value: 7, scope: { user: 'bob' } })).status).toBe(204);
    await expect.poll(async () => (await b.http.post('/v1/ask').send({ context: { plan: 'pro' } })).body.data, { timeout: 10_000 }).toContain('pg_flag');
    await expect
      .poll(async () => (await b.http.post('/ofrep/v1/evaluate/flags/%2Fcheck%2Fpriority').send({ context: { user: 'bob' } })).body.value, { timeout: 10_000 })
      .toBe(7);
    const conflict = await b.http.put('/api/v1/flags/pg_flag').set('If-Match', '5').send({ type: 'boolean', fallbackValue: false });
    expect(conflict.status).toBe(409);
  });
});

/** Deletes the keys under `prefix:` through the instance's own store (SCAN, so the server is never blocked). */
async function deleteKeysUnder(server: TestServer, prefix: string): Promise<void> {
  const send = server.runtime.store.sendCommand?.bind(server.runtime.store);
  if (!send) throw new Error('the Redis store should expose sendCommand');
  await deleteRedisKeys(send, prefix);
}
