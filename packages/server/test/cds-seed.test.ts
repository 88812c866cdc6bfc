import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers';
import { CHECK_PRIORITY_CONFIG, expectSeedState, seedManifests } from './fixtures/cds-app';
import { SEED_CHECK_UPDATES, SEED_SCOPED_VALUES } from '../../../tooling/testing/cds-seed.ts';

/**
 * The cds-feature-toggles seed, request by request: its state example, its validators example
 * (`{ module: "$CONFIG_DIR/validators", call: validateTenantScope }` next to the config file) and
 * the requests of its example http file, against a server whose manifest is the seed's config.
 */
let s: TestServer;
let fixture: ReturnType<typeof seedManifests>;
beforeAll(async () => {
  fixture = seedManifests();
  s = await testServer({ manifests: fixture.dir });
});
afterAll(async () => {
  await s.close();
  fixture.cleanup();
});

const update = (body: unknown) => s.http.post('/rest/feature/redisUpdate').send(body as object);
const state = async () => (await s.http.get('/rest/feature/state')).body as Record<string, unknown>;

describe('the seed state example', () => {
  it('GET /rest/feature/state shows the maintained root and scoped values and the configuration, the validator module included', async () => {
    await expectSeedState(s, CHECK_PRIORITY_CONFIG);
  });
});

describe('the validators example', () => {
  it('a tenant the module refuses is a 422 in the seed shape, with the message formatted from errorMessageValues', async () => {
    const res = await update({ key: '/check/priority', value: 10, scope: { tenant: 'dogs' } });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: { message: 'tenant scope is invalid, only people and pets are allowed: "dogs"', code: '422', '@Common.numericSeverity': 4 } });
    expect(((await state())['/check/priority'] as { scopedValues: object }).scopedValues).toEqual(SEED_SCOPED_VALUES);
  });

  it('the tenants it allows are written', async () => {
    expect((await update({ key: '/check/priority', value: 5, scope: { tenant: 'pets' } })).status).toBe(204);
    expect(((await state())['/check/priority'] as { scopedValues: object }).scopedValues).toEqual({
      'tenant::people': 10,
      'tenant::pets': 5,
      'user::alice@wonderland.com': 100,
    });
  });

  it('remoteOnly writes are validated the same way; only keys without a definition skip the definition', async () => {
    const wrongType = await update({ key: '/check/priority', value: 'test', options: { remoteOnly: true } });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.error.message).toBe('value "test" has invalid type string, must be number');
    const refusedTenant = await update({ key: '/check/priority', value: 1, scope: { tenant: 'dogs' }, options: { remoteOnly: true } });
    expect(refusedTenant.status).toBe(422);
    expect(refusedTenant.body.error.message).toBe('tenant scope is invalid, only people and pets are allowed: "dogs"');
    const regex = await update({ key: '/memory/logInterval', value: -5, options: { remoteOnly: true } });
    expect(regex.body.error.message).toBe('value "-5" does not match validation regular expression ^\\d+$');
    expect((await s.http.post('/rest/feature/redisRead')).body['/memory/logInterval']).toBeUndefined();
  });
});

describe('the requests of the seed http file, in order', () => {
  it('memory 1 · memory 2 · memory off', async () => {
    expect((await update({ key: '/memory/logInterval', value: 1000 })).status).toBe(204);
    expect((await state())['/memory/logInterval']).toMatchObject({ rootValue: 1000 });
    expect((await update({ key: '/memory/logInterval', value: 100 })).status).toBe(204);
    expect((await state())['/memory/logInterval']).toMatchObject({ rootValue: 100 });
    expect((await update({ key: '/memory/logInterval', value: null })).status).toBe(204);
    expect((await state())['/memory/logInterval']).toEqual({ fallbackValue: 0, config: { SOURCE: 'FILE', TYPE: 'number', VALIDATIONS: [{ regex: '^\\d+$' }] } });
  });

  it('check 1 · check 2 · check 3: each changes exactly its own scope', async () => {
    for (const check of SEED_CHECK_UPDATES) expect((await update(check)).status).toBe(204);
    expect((await state())['/check/priority']).toEqual({
      fallbackValue: 0,
      rootValue: 1,
      scopedValues: { 'tenant::people': 10, 'tenant::pets': 5, 'user::alice@wonderland.com': 100 },
      config: CHECK_PRIORITY_CONFIG,
    });
    const evaluated = await s.http.post('/ofrep/v1/evaluate/flags/%2Fcheck%2Fpriority').send({ context: { user: 'alice@wonderland.com', tenant: 'people' } });
    expect(evaluated.body).toMatchObject({ value: 100, reason: 'SCOPED' });
  });

  it('reset: null with clearSubScopes for both keys, in one batch, removes every value, seeded ones included', async () => {
    const res = await update([
      { key: '/check/priority', value: null, options: { clearSubScopes: true } },
      { key: '/memory/logInterval', value: null, options: { clearSubScopes: true } },
    ]);
    expect(res.status).toBe(204);
    const after = await state();
    expect(after['/check/priority']).toEqual({ fallbackValue: 0, config: CHECK_PRIORITY_CONFIG });
    expect(after['/memory/logInterval']).toEqual({ fallbackValue: 0, config: { SOURCE: 'FILE', TYPE: 'number', VALIDATIONS: [{ regex: '^\\d+$' }] } });
    // Nothing is maintained, so redisRead lists neither key; the removals of the seeded values are kept.
    expect((await s.http.post('/rest/feature/redisRead')).body).toEqual({});
    const evaluated = await s.http.post('/ofrep/v1/evaluate/flags/%2Fcheck%2Fpriority').send({ context: { tenant: 'people' } });
    expect(evaluated.body).toMatchObject({ value: 0, reason: 'DEFAULT' });
  });

  it('the seed update examples: scoped, clearSubScopes on the root, remoteOnly clean-up of a legacy key, and the invalid one', async () => {
    expect((await update({ key: '/check/priority', value: 10, scope: { tenant: 'people' } })).status).toBe(204);
    expect((await update({ key: '/check/priority', value: 10, options: { clearSubScopes: true } })).status).toBe(204);
    expect((await state())['/check/priority']).toEqual({ fallbackValue: 0, rootValue: 10, config: CHECK_PRIORITY_CONFIG });

    await update([
      { key: '/legacy-key', value: 10, options: { remoteOnly: true } },
      { key: '/legacy-key', value: 100, scope: { tenant: 'a' }, options: { remoteOnly: true } },
      { key: '/legacy-key', value: 1000, scope: { tenant: 'b' }, options: { remoteOnly: true } },
    ]);
    expect((await s.http.post('/rest/feature/redisRead')).body['/legacy-key']).toEqual({
      rootValue: 10,
      scopedValues: { 'tenant::a': 100, 'tenant::b': 1000 },
      config: { SOURCE: 'NONE' },
    });
    expect((await update({ key: '/legacy-key', value: null, options: { clearSubScopes: true, remoteOnly: true } })).status).toBe(204);
    expect((await s.http.post('/rest/feature/redisRead')).body['/legacy-key']).toBeUndefined();

    const invalid = await update({ key: '/check/priority', value: 'test' });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toEqual({ error: { message: 'value "test" has invalid type string, must be number', code: '422', '@Common.numericSeverity': 4 } });
  });
});
