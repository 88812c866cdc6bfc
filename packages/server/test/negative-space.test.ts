import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationSpec } from '../src/http/operations';
import { testServer, type TestServer } from './helpers';

/**
 * The negative space of every route that takes a request body, per API surface: (a) a wrong
 * content type, (b) an unknown key, (c) a wrong type, (d) an empty body — each refused with a 4xx
 * and a JSON error in the surface's shape, and the store byte-for-byte unchanged afterwards.
 */
interface Case {
  surface: 'native' | 'workertown' | 'cds' | 'ofrep' | 'workflows';
  method: 'post' | 'put' | 'delete';
  url: string;
  /** A body the route accepts (sent last, to show the refusals were about the input). */
  valid?: unknown;
  /** A body with a misspelt key, and the hint the answer must carry. */
  unknownKey: { body: unknown; says: string };
  wrongType: unknown;
  /** Status for a request without a body; `undefined` where no body is a valid request (DELETE, OFREP). */
  empty?: number;
}

const RUN = { env: 'prod', product: 'shop', feature_tag: 'checkout', input: {} };

const CASES: Record<string, Case> = {
  putFlag: {
    surface: 'native',
    method: 'put',
    url: '/api/v1/flags/stored-flag',
    valid: { type: 'boolean', fallbackValue: false, description: 'changed' },
    unknownKey: { body: { type: 'boolean', fallbackValue: false, enabeld: false }, says: 'unknown key "enabeld" (did you mean "enabled"?)' },
    wrongType: { type: 'boolean', fallbackValue: 'no' },
    empty: 400,
  },
  deleteFlag: {
    surface: 'native',
    method: 'delete',
    url: '/api/v1/flags/stored-flag',
    unknownKey: { body: { force: true }, says: 'takes no request body' },
    wrongType: [1],
  },
  updateValues: {
    surface: 'native',
    method: 'post',
    url: '/api/v1/values',
    valid: { updates: [{ key: 'stored-flag', value: false }] },
    unknownKey: { body: { updates: [{ key: 'stored-flag', value: true, scpe: { tenant: 'b' } }] }, says: 'unknown key "scpe" (did you mean "scope"?)' },
    wrongType: { updates: 'stored-flag=true' },
    empty: 400,
  },
  evaluate: {
    surface: 'native',
    method: 'post',
    url: '/api/v1/evaluate',
    valid: { context: { tenant: 'a' } },
    unknownKey: { body: { contxt: { tenant: 'a' } }, says: 'unknown key "contxt" (did you mean "context"?)' },
    wrongType: { context: ['tenant'] },
    empty: 400,
  },
  purgeFeatures: {
    surface: 'native',
    method: 'post',
    url: '/api/v1/features/purge',
    valid: { features: ['nothing-stored'] },
    unknownKey: { body: { featurs: ['a'] }, says: 'unknown key "featurs" (did you mean "features"?)' },
    wrongType: { features: 'a' },
    empty: 400,
  },
  workertownUpsertFlag: {
    surface: 'workertown',
    method: 'put',
    url: '/v1/flags/wt-flag',
    valid: { description: 'created last' },
    unknownKey: { body: { enabeld: false }, says: 'unknown key "enabeld" (did you mean "enabled"?)' },
    wrongType: { enabled: 'no' },
    empty: 400,
  },
  workertownDeleteFlag: {
    surface: 'workertown',
    method: 'delete',
    url: '/v1/flags/wt-existing',
    unknownKey: { body: { force: true }, says: 'takes no request body' },
    wrongType: 'wt-existing',
  },
  workertownAsk: {
    surface: 'workertown',
    method: 'post',
    url: '/v1/ask',
    valid: { flags: ['stored-flag'] },
    unknownKey: { body: { flag: ['stored-flag'] }, says: 'unknown key "flag" (did you mean "flags"?)' },
    wrongType: { flags: 'stored-flag' },
    empty: 400,
  },
  workertownAdminMigrate: {
    surface: 'workertown',
    method: 'post',
    url: '/v1/admin/migrate',
    valid: {},
    unknownKey: { body: { down: true }, says: 'takes no request body' },
    wrongType: [],
  },
  cdsRedisRead: {
    surface: 'cds',
    method: 'post',
    url: '/rest/feature/redisRead',
    unknownKey: { body: { key: 'stored-flag' }, says: 'takes no request body' },
    wrongType: 'stored-flag',
  },
  cdsRedisUpdate: {
    surface: 'cds',
    method: 'post',
    url: '/rest/feature/redisUpdate',
    valid: { key: 'stored-flag', value: true, scope: { tenant: 'c' } },
    unknownKey: { body: { key: 'stored-flag', value: false, scpe: { tenant: 'a' } }, says: 'unknown key "scpe" (did you mean "scope"?)' },
    wrongType: { key: 'stored-flag', value: true, scope: 'tenant::a' },
    empty: 400,
  },
  cdsRedisSendCommand: {
    surface: 'cds',
    method: 'post',
    url: '/rest/feature/redisSendCommand',
    unknownKey: { body: { comand: ['INFO'] }, says: 'unknown key "comand" (did you mean "command"?)' },
    wrongType: { command: 'INFO' },
    empty: 400,
  },
  ofrepEvaluateFlag: {
    surface: 'ofrep',
    method: 'post',
    url: '/ofrep/v1/evaluate/flags/stored-flag',
    valid: { context: { targetingKey: 'u1' } },
    unknownKey: { body: { contxt: { tenant: 'a' } }, says: 'unknown key "contxt" (did you mean "context"?)' },
    wrongType: { context: 'tenant=a' },
  },
  ofrepEvaluateFlags: {
    surface: 'ofrep',
    method: 'post',
    url: '/ofrep/v1/evaluate/flags',
    valid: { context: {} },
    unknownKey: { body: { Context: {} }, says: 'unknown key "Context" (did you mean "context"?)' },
    wrongType: [],
  },
  runFeature: {
    surface: 'workflows',
    method: 'post',
    url: '/v1/features/run',
    unknownKey: { body: { ...RUN, sesion: { tag: 't', token: 'x' } }, says: 'unknown key "sesion" (did you mean "session"?)' },
    wrongType: { ...RUN, input: 'x=1' },
    empty: 400,
  },
};

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
  await s.http.put('/api/v1/flags/stored-flag').send({ type: 'boolean', fallbackValue: false, description: 'kept' }).expect(200);
  await s.http.post('/api/v1/values').send({ updates: [{ key: 'stored-flag', value: true, scope: { tenant: 'a' } }] }).expect(204);
  await s.http.put('/v1/flags/wt-existing').send({ description: 'kept' }).expect(200);
});
afterAll(() => s.close());

/** Everything a write could change, read back through the store. */
async function storeState(): Promise<string> {
  const store = s.runtime.store;
  return JSON.stringify({
    flags: await store.listFlags({ includeDisabled: true }),
    values: await store.listValues(),
    audit: await store.listAudit({ limit: 1000 }),
    features: await store.listFeatures(),
  });
}

function send(c: Case, contentType: string | undefined, body: string | undefined) {
  const req = s.http[c.method](c.url);
  if (contentType) req.set('Content-Type', contentType);
  return body === undefined ? req : req.send(body);
}

/** The error text of a refusal, in any surface's shape. */
function errorText(body: unknown): string {
  return JSON.stringify(body);
}

function expectJsonError(res: { status: number; headers: Record<string, string>; body: unknown }, c: Case, what: string) {
  expect(res.status, `${what}: ${c.method.toUpperCase()} ${c.url}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what}: ${c.method.toUpperCase()} ${c.url}`).toBeLessThan(500);
  expect(res.headers['content-type'], `${what}: ${c.url}`).toMatch(/^application\/json/);
  const shape = res.body as Record<string, unknown>;
  if (c.surface === 'workertown') expect(shape).toMatchObject({ status: res.status, success: false, data: null, error: expect.any(String) });
  if (c.surface === 'cds') expect(shape).toMatchObject({ error: { code: String(res.status), message: expect.any(String) } });
  if (c.surface === 'ofrep') expect(shape).toMatchObject({ errorCode: expect.any(String) });
  if (c.surface === 'native' || c.surface === 'workflows') expect(shape).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
}

describe('negative space of every route that takes a body', () => {
  it('covers every operation that is not a GET', () => {
    const registry = s.runtime.app.locals.switchyard.context.operations as { operations: OperationSpec[] };
    const ids = registry.operations.filter((op) => op.method !== 'get').map((op) => op.operationId).sort();
    expect(Object.keys(CASES).sort()).toEqual(ids);
  });

  for (const [id, c] of Object.entries(CASES)) {
    describe(`${c.surface}: ${id} (${c.method.toUpperCase()} ${c.url})`, () => {
      it('(a) a JSON body with another content type is 415', async () => {
        const before = await storeState();
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
          const res = await send(c, type, JSON.stringify(c.valid ?? c.unknownKey.body));
          expect(res.status, `as ${type}`).toBe(415);
          expectJsonError(res, c, `content type ${type}`);
        }
        expect(await storeState()).toBe(before);
      });

      it('(b) an unknown key is refused, naming it', async () => {
        const before = await storeState();
        const res = await send(c, 'application/json', JSON.stringify(c.unknownKey.body));
        expectJsonError(res, c, 'unknown key');
        expect(errorText(res.body)).toContain(JSON.stringify(c.unknownKey.says).slice(1, -1));
        expect(await storeState()).toBe(before);
      });

      it('(c) a value of the wrong type is refused', async () => {
        const before = await storeState();
        const res = await send(c, 'application/json', JSON.stringify(c.wrongType));
        expectJsonError(res, c, 'wrong type');
        expect(await storeState()).toBe(before);
      });

      it(`(d) an empty body ${c.empty ? `is ${c.empty}` : 'is a valid request here (nothing to refuse)'}`, async () => {
        if (!c.empty) return;
        const before = await storeState();
        const res = await send(c, 'application/json', undefined);
        expect(res.status).toBe(c.empty);
        expectJsonError(res, c, 'empty body');
        // An explicitly empty document is no body either.
        const blank = await send(c, 'application/json', '');
        expect(blank.status).toBe(c.empty);
        expect(await storeState()).toBe(before);
      });
    });
  }

  it('the same routes accept their valid bodies (the refusals above were about the input)', async () => {
    for (const [id, c] of Object.entries(CASES)) {
      if (c.valid === undefined) continue;
      const res = await send(c, 'application/json', JSON.stringify(c.valid));
      expect(res.status, id).toBeLessThan(300);
    }
  });
});
