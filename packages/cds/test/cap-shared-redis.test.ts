import { serviceUrl, uniqueNamespace } from '@switchyard/store-test-suite';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failingCapApp, startCapApp, type CapApp } from './fixtures/cap-app';

const redisUrl = await serviceUrl('redis');

/**
 * Two CAP instances with the same `uniqueName` on one Redis: a change through one reaches the
 * other. The access-role settings are the non-default ones of the seed.
 */
describe.skipIf(!redisUrl)('two CAP instances sharing Redis, with custom access roles', () => {
  const uniqueName = uniqueNamespace('cap');
  const featureToggles = {
    configFile: './srv/feature/toggles.yaml',
    uniqueName,
    serviceAccessRoles: ['feature-operator'],
    readAccessRoles: ['feature-auditor', 'feature-operator'],
    adminAccessRoles: ['redis-debugger'],
  };
  let a: CapApp;
  let b: CapApp;
  beforeAll(async () => {
    const env = { SWITCHYARD_STORE: redisUrl! };
    [a, b] = await Promise.all([startCapApp({ featureToggles, env }), startCapApp({ featureToggles, env })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    // Only this suite's keys: the Redis server is shared.
    const client = createClient({ url: redisUrl! });
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `features-${uniqueName}:*`, COUNT: 500 })) if (keys.length) await client.unlink(keys);
    await client.quit();
  });

  it('the roles map to the endpoints as configured: serviceAccessRoles read and write, readAccessRoles read only, adminAccessRoles the raw commands', async () => {
    expect((await a.request('operator', 'GET', '/rest/feature/state')).status).toBe(200);
    expect((await a.request('auditor', 'GET', '/rest/feature/state')).status).toBe(200);
    expect((await a.request('auditor', 'POST', '/rest/feature/redisUpdate', { key: '/memory/logInterval', value: 1 })).status).toBe(403);
    expect((await a.request('system', 'GET', '/rest/feature/state')).status).toBe(403);
    expect((await a.request('operator', 'POST', '/rest/feature/redisSendCommand', { command: ['PING'] })).status).toBe(403);
    const info = await a.request('debugger', 'POST', '/rest/feature/redisSendCommand', { command: ['INFO'] });
    expect(info.status).toBe(200);
    expect(info.text).toContain('redis_version:');
    const flush = await a.request('debugger', 'POST', '/rest/feature/redisSendCommand', { command: ['FLUSHALL'] });
    expect(flush.status).toBe(403);
  });

  it('a change through one instance is served by the other, scope by scope', async () => {
    expect((await a.request('operator', 'POST', '/rest/feature/redisUpdate', { key: '/check/priority', value: 10, scope: { tenant: 'people' } })).status).toBe(204);
    expect((await b.request('operator', 'POST', '/rest/feature/redisUpdate', { key: '/check/priority', value: 100, scope: { user: 'alice@wonderland.com' } })).status).toBe(204);
    const expected = { 'tenant::people': 10, 'user::alice@wonderland.com': 100 };
    for (const app of [a, b]) {
      await expect
        .poll(async () => ((await app.request('auditor', 'GET', '/rest/feature/state')).json as Record<string, { scopedValues?: object }>)['/check/priority']?.scopedValues, {
          timeout: 10_000,
        })
        .toEqual(expected);
    }
    const keys = await a.request('debugger', 'POST', '/rest/feature/redisSendCommand', { command: ['KEYS', `features-${uniqueName}:values*`] });
    expect(keys.text.startsWith('[')).toBe(true);
    expect(JSON.parse(keys.text)).toContain(`features-${uniqueName}:values:/check/priority`);
  });
});

describe('startup errors', () => {
  it('an unknown setting stops the app, naming the setting with a suggestion', async () => {
    const output = await failingCapApp({ featureToggles: { configFil: './srv/feature/toggles.yaml' } });
    expect(output).toContain('cds.featureToggles: unknown setting "configFil" (did you mean "configFile"?)');
  });

  it('a validator module that cannot be loaded stops the app, naming the toggle', async () => {
    const output = await failingCapApp({
      files: { 'srv/feature/toggles.yaml': '/check/priority:\n  type: number\n  fallbackValue: 0\n  validations:\n    - { module: "$CONFIG_DIR/missing", call: check }\n' },
    });
    expect(output).toMatch(/flag "\/check\/priority": validator module "\$CONFIG_DIR\/missing" not found/);
  });
});
