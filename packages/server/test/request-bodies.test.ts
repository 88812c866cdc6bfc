import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationSpec } from '../src/http/operations';
import { testServer, type TestServer } from './helpers';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
  // A stored flag with a maintained value, so "unchanged" has something to compare.
  await s.http.put('/api/v1/flags/stored-flag').send({ type: 'boolean', fallbackValue: false, description: 'kept' }).expect(200);
  await s.http.post('/api/v1/values').send({ updates: [{ key: 'stored-flag', value: true, scope: { tenant: 'a' } }] }).expect(204);
});
afterAll(() => s.close());

/** Every operation that changes state or reads a body: the server's own registry, so a new route is covered when added. */
function bodyOperations(): OperationSpec[] {
  const registry = s.runtime.app.locals.switchyard.context.operations as { operations: OperationSpec[] };
  return registry.operations.filter((op) => op.method !== 'get');
}

/** A concrete URL for an operation's path (`:key` → an existing flag). */
function urlOf(op: OperationSpec): string {
  return op.path.replace(/:key|:name|:id/g, 'stored-flag').replace(/\*\w+/g, 'stored-flag');
}

/** Everything a write could change, read back through the store. */
async function storeState(): Promise<string> {
  const store = s.runtime.store;
  return JSON.stringify({ flags: await store.listFlags(), values: await store.listValues(), audit: await store.listAudit({ limit: 1000 }), features: await store.listFeatures() });
}

function send(op: OperationSpec, contentType: string | undefined, body: string | undefined) {
  const req = s.http[op.method](urlOf(op));
  if (contentType) req.set('Content-Type', contentType);
  return body === undefined ? req : req.send(body);
}

describe('request bodies: JSON with a JSON content type, or a precise refusal', () => {
  it('covers every state-changing operation', () => {
    const ids = bodyOperations().map((op) => op.operationId);
    expect(ids).toEqual(expect.arrayContaining(['putFlag', 'deleteFlag', 'updateValues', 'evaluate', 'purgeFeatures', 'workertownUpsertFlag', 'workertownDeleteFlag', 'workertownAsk', 'workertownAdminMigrate', 'cdsRedisUpdate', 'cdsRedisRead', 'ofrepEvaluateFlag']));
  });

  it('a JSON body sent as text/plain (or with no content type) is 415 with a JSON error, and nothing is stored', async () => {
    const before = await storeState();
    for (const op of bodyOperations()) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
        const res = await send(op, type, '{"enabled": false, "updates": [], "value": 1, "key": "stored-flag"}');
        expect(res.status, `${op.method.toUpperCase()} ${op.path} as ${type}`).toBe(415);
        expect(res.headers['content-type'], op.path).toMatch(/^application\/json/);
        expect(JSON.stringify(res.body), op.path).toMatch(/Content-Type: application\/json/);
      }
    }
    expect(await storeState()).toBe(before);
  });

  it('a state-changing POST without a JSON content type is 415 even without a body (a cross-site form cannot trigger it)', async () => {
    const before = await storeState();
    const writes = bodyOperations().filter((o) => o.method === 'post' && o.role !== 'read');
    expect(writes.map((o) => o.operationId)).toEqual(expect.arrayContaining(['purgeFeatures', 'workertownAdminMigrate', 'cdsRedisUpdate', 'updateValues']));
    for (const op of writes) {
      const res = await send(op, undefined, undefined);
      expect(res.status, `POST ${op.path}`).toBe(415);
      const plain = await send(op, 'text/plain', '');
      expect(plain.status, `POST ${op.path} text/plain empty`).toBe(415);
    }
    expect(await storeState()).toBe(before);
  });

  it('an operation that needs a body answers 400 when it is missing, and nothing is stored', async () => {
    const before = await storeState();
    const needing = bodyOperations().filter((op) => op.body && !op.bodyOptional);
    expect(needing.length).toBeGreaterThan(5);
    for (const op of needing) {
      const res = await send(op, 'application/json', undefined);
      expect(res.status, `${op.method.toUpperCase()} ${op.path}`).toBe(400);
      expect(JSON.stringify(res.body), op.path).toMatch(/needs a JSON request body/);
    }
    expect(await storeState()).toBe(before);
  });

  it('an operation that takes no body refuses one (400) but tolerates {}', async () => {
    const taking = bodyOperations().filter((op) => !op.body && op.method !== 'delete');
    expect(taking.map((op) => op.operationId)).toContain('workertownAdminMigrate');
    for (const op of taking) {
      const res = await send(op, 'application/json', '{"all": true}');
      expect(res.status, `${op.method.toUpperCase()} ${op.path}`).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/takes no request body/);
    }
    expect((await s.http.post('/v1/admin/migrate').set('Content-Type', 'application/json').send('{}')).status).toBe(200);
  });

  it('reads sent as POST may come without a body or a type, as their protocols allow (OFREP, cds redisRead)', async () => {
    for (const type of ['application/json', undefined]) {
      const req = s.http.post('/ofrep/v1/evaluate/flags/stored-flag');
      const res = await (type ? req.set('Content-Type', type) : req);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ key: 'stored-flag', value: false });
    }
    const read = await s.http.post('/rest/feature/redisRead');
    expect(read.status).toBe(200);
    expect(read.body['stored-flag']).toMatchObject({ scopedValues: { 'tenant::a': true } });
    // A body still needs its type.
    expect((await s.http.post('/ofrep/v1/evaluate/flags/stored-flag').set('Content-Type', 'text/plain').send('{}')).status).toBe(415);
  });

  it('application/*+json and a charset parameter are JSON too', async () => {
    const res = await s.http.post('/v1/ask').set('Content-Type', 'application/merge-patch+json; charset=utf-8').send('{"flags": ["stored-flag"]}');
    expect(res.status).toBe(200);
  });
});
