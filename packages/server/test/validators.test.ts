import { writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, createServerRuntime, parseServerConfig, registerValidator, StartupError } from '../src/index';
import { testServer, type TestServer } from './helpers';
import { SEED_VALIDATORS, seedManifests } from './fixtures/cds-app';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function manifests(files: Record<string, string>): string {
  const fixture = seedManifests(files);
  cleanups.push(fixture.cleanup);
  return fixture.dir;
}

async function server(dir: string, options: Parameters<typeof createServerRuntime>[1] = {}): Promise<TestServer> {
  const s = await testServer({ manifests: dir, runtime: options });
  cleanups.push(() => s.close());
  return s;
}

async function startupError(dir: string, options: Parameters<typeof createServerRuntime>[1] = {}): Promise<string> {
  const parsed = parseServerConfig(['--store', 'memory:', '--manifests', dir, '--no-watch'], {});
  if (parsed.errors) throw new Error(parsed.errors.join('; '));
  const err = await createServerRuntime(parsed.config, { logger: createLogger('silent'), defaultMetrics: false, ...options }).then(
    (runtime) => {
      cleanups.push(() => runtime.close());
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StartupError);
  return (err as Error).message;
}

const flag = (validation: string) => `switchyard: 1\nflags:\n  /check/priority:\n    fallback: 0\n    validations:\n      - ${validation}\n`;

describe('custom validators at startup', () => {
  it('a validator module that does not exist stops the start, naming the toggle and where it is declared', async () => {
    const dir = manifests({ 'toggles.yaml': flag('{ module: "$CONFIG_DIR/validators", call: validateTenantScope }') });
    expect(await startupError(dir)).toBe(
      `manifests in ${dir} are invalid: toggles.yaml:3:3 flags./check/priority.validations[0]: flag "/check/priority": validator module "$CONFIG_DIR/validators" not found (looked in ${dir})`,
    );
  });

  it('a module without the export named by call stops the start', async () => {
    const dir = manifests({ 'toggles.yaml': flag('{ module: "$CONFIG_DIR/validators", call: validateTenant }'), 'validators.js': SEED_VALIDATORS });
    expect(await startupError(dir)).toMatch(/flag "\/check\/priority": validator module "\$CONFIG_DIR\/validators" \(.*validators\.js\) has no function export "validateTenant"; its functions: validateTenantScope$/);
  });

  it('a { validator: NAME } nobody registered stops the start instead of refusing every write', async () => {
    const dir = manifests({ 'toggles.yaml': flag('{ validator: tenantCheck }') });
    expect(await startupError(dir)).toMatch(/flag "\/check\/priority": validator "tenantCheck" is not registered; register it with registerValidator\("tenantCheck", fn\) before the server starts$/);
  });

  it('seeded values the validator module refuses stop the start', async () => {
    const dir = manifests({
      'toggles.yaml': `${flag('{ module: ./validators.js, call: validateTenantScope }')}    values:\n      scoped:\n        - { scope: { tenant: dogs }, value: 3 }\n`,
      'validators.js': SEED_VALIDATORS,
    });
    expect(await startupError(dir)).toMatch(/seeded value 3 for tenant::dogs: tenant scope is invalid, only people and pets are allowed: "dogs"$/);
  });
});

describe('registered validators', () => {
  it('registerValidator(name, fn) before the start: async validators run on every write path, errors in each surface shape', async () => {
    const name = `evenOnly-${Math.random().toString(36).slice(2)}`;
    registerValidator(name, async (value) => {
      await new Promise((resolve) => setImmediate(resolve));
      return typeof value === 'number' && value % 2 ? { errorMessage: 'value {0} is odd', errorMessageValues: [value] } : undefined;
    });
    const s = await server(manifests({ 'toggles.yaml': flag(`{ validator: ${name} }`) }));
    const cds = await s.http.post('/rest/feature/redisUpdate').send({ key: '/check/priority', value: 3 });
    expect(cds.status).toBe(422);
    expect(cds.body).toEqual({ error: { message: 'value 3 is odd', code: '422', '@Common.numericSeverity': 4 } });
    const native = await s.http.post('/api/v1/values').send({ updates: [{ key: '/check/priority', value: 5 }] });
    expect(native.status).toBe(422);
    expect(native.body.error).toMatchObject({ code: 'VALIDATION', issues: [{ path: [0, 'value'], message: 'value 5 is odd' }] });
    expect((await s.http.post('/rest/feature/redisUpdate').send({ key: '/check/priority', value: 4 })).status).toBe(204);
  });

  it('createServerRuntime({ validators }) registers validators for one server only, and each runs once per write', async () => {
    let calls = 0;
    const s = await server(manifests({ 'toggles.yaml': flag('{ validator: counted }') }), {
      validators: {
        counted: () => {
          calls++;
          return undefined;
        },
      },
    });
    expect((await s.http.post('/rest/feature/redisUpdate').send({ key: '/check/priority', value: 4 })).status).toBe(204);
    expect(calls).toBe(1);
  });

  it('a validator that throws refuses the value with the cds message and leaves the store unchanged', async () => {
    const s = await server(manifests({ 'toggles.yaml': flag('{ validator: broken }') }), {
      validators: {
        broken: () => {
          throw new Error('lookup failed');
        },
      },
    });
    const res = await s.http.post('/rest/feature/redisUpdate').send({ key: '/check/priority', value: 4 });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe('registered validator "broken" failed for value "4" with error lookup failed');
    expect((await s.http.post('/rest/feature/redisRead')).body).toEqual({});
  });

  it('definitions written through the API may not declare validator modules or unregistered names', async () => {
    const s = await server(manifests({ 'toggles.yaml': flag('{ regex: "^\\\\d+$" }') }));
    const modulePut = await s.http.put('/api/v1/flags/runtime-flag').send({ type: 'number', fallbackValue: 0, validations: [{ module: '/tmp/evil.js' }] });
    expect(modulePut.status).toBe(422);
    expect(modulePut.body.error.issues).toEqual([
      {
        path: ['validations', 0, 'module'],
        message: 'validator modules can only be declared in manifest files; register a function with registerValidator(name, fn) and use { validator: name }',
      },
    ]);
    const namePut = await s.http.put('/api/v1/flags/runtime-flag').send({ type: 'number', fallbackValue: 0, validations: [{ validator: 'nobodyRegisteredThis' }] });
    expect(namePut.status).toBe(422);
    expect(namePut.body.error.issues[0].message).toBe('validator "nobodyRegisteredThis" is not registered on this server');
    expect((await s.http.get('/api/v1/flags/runtime-flag')).status).toBe(404);
  });
});

describe('custom validators on a manifest reload', () => {
  it('a reload naming a validator module that is missing is rejected and the last good set stays in force', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const dir = manifests({ 'toggles.yaml': flag('{ module: ./validators.js, call: validateTenantScope }'), 'validators.js': SEED_VALIDATORS });
    const parsed = parseServerConfig(['--store', 'memory:', '--manifests', dir], {});
    if (parsed.errors) throw new Error(parsed.errors.join('; '));
    const runtime = await createServerRuntime(parsed.config, { logger, defaultMetrics: false });
    cleanups.push(() => runtime.close());
    writeFileSync(`${dir}/toggles.yaml`, `${flag('{ module: ./gone.js, call: check }')}  /added:\n    fallback: 1\n`);
    await expect.poll(() => lines.join('\n'), { timeout: 10_000 }).toContain('manifest rejected, keeping the last good set');
    expect(lines.join('\n')).toContain('validator module \\"./gone.js\\" not found');
    expect(runtime.engine.has('/added')).toBe(false);
    expect(runtime.engine.get('/check/priority')?.validations).toEqual([{ module: './validators.js', call: 'validateTenantScope' }]);
  });
});
