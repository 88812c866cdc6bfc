import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCapApp, type CapApp } from './fixtures/cap-app';
import { SEED_CHECK_UPDATES } from '../../../tooling/testing/cds-seed.ts';

/**
 * A real CAP app (`@sap/cds` 9, `cds-serve`, mocked auth, `cds.requires.toggles` with
 * `@sap/cds-mtxs`) that depends on @switchyard/cds and uses the seed's settings:
 * `configFile: ./srv/feature/toggles.yaml` (the seed's toggles and validators.js) and
 * `ftsScopeCallback: ./srv/feature/ftsScope.js`.
 */
let app: CapApp;
beforeAll(async () => {
  app = await startCapApp();
});
afterAll(() => app?.stop());

const CHECK_CONFIG = {
  SOURCE: 'FILE',
  TYPE: 'number',
  VALIDATIONS: [{ scopes: ['user', 'tenant'] }, { regex: '^\\d+$' }, { module: '$CONFIG_DIR/validators', call: 'validateTenantScope' }],
};
const MEMORY_CONFIG = { SOURCE: 'FILE', TYPE: 'number', VALIDATIONS: [{ regex: '^\\d+$' }] };

const update = (body: unknown, user: 'system' | 'alice' = 'system') => app.request(user, 'POST', '/rest/feature/redisUpdate', body);
const state = async () => (await app.request('system', 'GET', '/rest/feature/state')).json as Record<string, unknown>;
const probe = async (user: 'alice' | 'bob' | 'clark', headers: Record<string, string> = {}) =>
  JSON.parse(((await app.request(user, 'GET', '/odata/v4/check/probe()', undefined, headers)).json as { value: string }).value) as {
    features: Record<string, boolean>;
    elements: string[];
    priority: number;
  };

describe('the FeatureService endpoints with the default roles (system-user; admin for nobody)', () => {
  it('GET /rest/feature/state: the configured toggles, the fts/ folder auto-detected as /fts/check-service-extension (SOURCE AUTO)', async () => {
    const res = await app.request('system', 'GET', '/rest/feature/state');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      '/check/priority': { fallbackValue: 0, config: CHECK_CONFIG },
      '/memory/logInterval': { fallbackValue: 0, config: MEMORY_CONFIG },
      '/fts/check-service-extension': { fallbackValue: false, config: { SOURCE: 'AUTO', TYPE: 'boolean' } },
    });
  });

  it('requires credentials, then the system-user role; redisSendCommand is closed to everyone', async () => {
    expect((await app.request(undefined, 'GET', '/rest/feature/state')).status).toBe(401);
    expect((await app.request('alice', 'GET', '/rest/feature/state')).status).toBe(403);
    expect((await app.request('alice', 'POST', '/rest/feature/redisRead')).status).toBe(403);
    expect((await update({ key: '/memory/logInterval', value: 5 }, 'alice')).status).toBe(403);
    expect((await app.request('system', 'POST', '/rest/feature/redisSendCommand', { command: ['INFO'] })).status).toBe(403);
  });
});

describe('the requests of the seed http file', () => {
  it('memory 1 · memory 2 · memory off', async () => {
    expect((await update({ key: '/memory/logInterval', value: 1000 })).status).toBe(204);
    expect((await state())['/memory/logInterval']).toEqual({ fallbackValue: 0, rootValue: 1000, config: MEMORY_CONFIG });
    expect((await update({ key: '/memory/logInterval', value: 100 })).status).toBe(204);
    expect((await state())['/memory/logInterval']).toEqual({ fallbackValue: 0, rootValue: 100, config: MEMORY_CONFIG });
    expect((await update({ key: '/memory/logInterval', value: null })).status).toBe(204);
    expect((await state())['/memory/logInterval']).toEqual({ fallbackValue: 0, config: MEMORY_CONFIG });
  });

  it('check 1 · check 2 · check 3 give the state of the seed example', async () => {
    for (const check of SEED_CHECK_UPDATES) expect((await update(check)).status).toBe(204);
    expect((await state())['/check/priority']).toEqual({
      fallbackValue: 0,
      rootValue: 1,
      scopedValues: { 'tenant::people': 10, 'user::alice@wonderland.com': 100 },
      config: CHECK_CONFIG,
    });
    const read = await app.request('system', 'POST', '/rest/feature/redisRead');
    expect(read.status).toBe(200);
    expect((read.json as Record<string, unknown>)['/check/priority']).toEqual((await state())['/check/priority']);
  });

  it('application code reads the value for its user (the scoped value, else the root value)', async () => {
    expect((await probe('alice')).priority).toBe(100);
    expect((await probe('bob')).priority).toBe(1);
  });

  it('the validators example: a tenant the module refuses is a 422 in the seed shape', async () => {
    const res = await update({ key: '/check/priority', value: 10, scope: { tenant: 'dogs' } });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ error: { message: 'tenant scope is invalid, only people and pets are allowed: "dogs"', code: '422', '@Common.numericSeverity': 4 } });
  });

  it('the invalid request example: the seed 422 body', async () => {
    const res = await update({ key: '/check/priority', value: 'test' });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ error: { message: 'value "test" has invalid type string, must be number', code: '422', '@Common.numericSeverity': 4 } });
  });

  it('remoteOnly: validated for configured toggles, and cleans up keys without configuration (SOURCE NONE)', async () => {
    const wrongType = await update({ key: '/check/priority', value: 'test', options: { remoteOnly: true } });
    expect(wrongType.status).toBe(422);
    expect((wrongType.json as { error: { message: string } }).error.message).toBe('value "test" has invalid type string, must be number');
    expect((await update({ key: '/legacy-key', value: 10 })).status).toBe(422);
    await update([
      { key: '/legacy-key', value: 10, options: { remoteOnly: true } },
      { key: '/legacy-key', value: 100, scope: { tenant: 'a' }, options: { remoteOnly: true } },
      { key: '/legacy-key', value: 1000, scope: { tenant: 'b' }, options: { remoteOnly: true } },
    ]);
    const read = (await app.request('system', 'POST', '/rest/feature/redisRead')).json as Record<string, unknown>;
    expect(read['/legacy-key']).toEqual({ rootValue: 10, scopedValues: { 'tenant::a': 100, 'tenant::b': 1000 }, config: { SOURCE: 'NONE' } });
    expect((await update({ key: '/legacy-key', value: null, options: { clearSubScopes: true, remoteOnly: true } })).status).toBe(204);
    expect(((await app.request('system', 'POST', '/rest/feature/redisRead')).json as Record<string, unknown>)['/legacy-key']).toBeUndefined();
  });

  it('a body with a misspelt field is refused, naming it', async () => {
    const res = await update({ key: '/check/priority', value: 10, scop: { tenant: 'people' } });
    expect(res.status).toBe(422);
    expect((res.json as { error: { message: string } }).error.message).toBe('body: unknown field "scop" (did you mean "scope"?)');
  });

  it('clearSubScopes on the root, then the reset request of the http file', async () => {
    expect((await update({ key: '/check/priority', value: 10, options: { clearSubScopes: true } })).status).toBe(204);
    expect((await state())['/check/priority']).toEqual({ fallbackValue: 0, rootValue: 10, config: CHECK_CONFIG });
    const reset = await update([
      { key: '/check/priority', value: null, options: { clearSubScopes: true } },
      { key: '/memory/logInterval', value: null, options: { clearSubScopes: true } },
    ]);
    expect(reset.status).toBe(204);
    expect((await state())['/check/priority']).toEqual({ fallbackValue: 0, config: CHECK_CONFIG });
  });
});

describe('the Feature Vector Provider', () => {
  it('passes truthy /fts/<feature> toggles to CAP as req.features, scoped per request; CAP serves the extended model', async () => {
    const off = await probe('alice');
    expect(off.features).toEqual({});
    expect(off.elements).toEqual(['ID', 'name']);

    expect((await update({ key: '/fts/check-service-extension', value: true, scope: { user: 'alice@wonderland.com' } })).status).toBe(204);
    const on = await probe('alice');
    expect(on.features).toEqual({ 'check-service-extension': true });
    expect(on.elements).toEqual(['ID', 'name', 'priority']);
    expect((await probe('bob')).features).toEqual({});
  });

  it('uses ftsScopeCallback for the scope: a value for a company reaches requests of that company only', async () => {
    expect((await update({ key: '/fts/check-service-extension', value: true, scope: { companyId: 'acme' } })).status).toBe(204);
    expect((await probe('clark', { 'x-company-id': 'acme' })).features).toEqual({ 'check-service-extension': true });
    expect((await probe('clark', { 'x-company-id': 'globex' })).features).toEqual({});
  });
});
