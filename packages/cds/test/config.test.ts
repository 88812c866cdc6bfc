import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FeatureToggles, registerValidator, parseSettings, parseUpdateBody, readToggleConfig, redisCommandRefusal, storeLocation } from '../src/index';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-cds-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('settings (package.json cds.featureToggles)', () => {
  it('takes exactly the seed settings', () => {
    const settings = {
      configFile: './srv/feature/toggles.yaml',
      config: { '/a': { type: 'boolean', fallbackValue: false } },
      uniqueName: 'shared',
      serviceAccessRoles: ['system-user', 'custom-role'],
      readAccessRoles: ['viewer'],
      writeAccessRoles: ['editor'],
      adminAccessRoles: ['debugger'],
      ftsScopeCallback: './srv/feature/ftsScope.js',
    };
    expect(parseSettings(settings)).toEqual(settings);
    expect(parseSettings(undefined)).toEqual({});
  });

  it('refuses unknown settings with a suggestion, and values of the wrong type', () => {
    expect(() => parseSettings({ serviceAccesRoles: ['x'] })).toThrow('cds.featureToggles: unknown setting "serviceAccesRoles" (did you mean "serviceAccessRoles"?)');
    expect(() => parseSettings({ serviceAccessRoles: 'system-user' })).toThrow(/^cds\.featureToggles\.serviceAccessRoles: /);
  });
});

describe('toggle configuration', () => {
  it('reads inline config (RUNTIME), the config file (FILE) and fts/ folders (AUTO); a configured /fts key is not replaced', async () => {
    const root = project({
      'srv/toggles.yaml': '/check/priority:\n  type: number\n  fallbackValue: 0\n/fts/configured:\n  type: boolean\n  fallbackValue: true\n',
      'fts/auto-one/x.cds': '',
      'fts/configured/x.cds': '',
    });
    const toggles = await readToggleConfig({ root, configFile: 'srv/toggles.yaml', config: { '/inline': { fallbackValue: 'x' } } });
    expect(toggles.map((t) => [t.definition.key, t.source, t.definition.type])).toEqual([
      ['/inline', 'RUNTIME', 'string'],
      ['/check/priority', 'FILE', 'number'],
      ['/fts/configured', 'FILE', 'boolean'],
      ['/fts/auto-one', 'AUTO', 'boolean'],
    ]);
  });

  it('active: false and an appUrl matching none of the app URLs make a toggle inactive', async () => {
    const root = project({});
    const toggles = await readToggleConfig({
      root,
      config: { '/off': { type: 'boolean', fallbackValue: false, active: false }, '/elsewhere': { type: 'boolean', fallbackValue: false, appUrl: '\\.cfapps\\.eu10\\.' } },
      appUris: ['app.cfapps.us10.hana.ondemand.com'],
    });
    expect(toggles.map((t) => [t.definition.key, t.definition.enabled, t.inactive, t.config])).toEqual([
      ['/off', false, 'feature key is not active', { SOURCE: 'RUNTIME', TYPE: 'boolean', ACTIVE: false }],
      [
        '/elsewhere',
        false,
        'feature key is not active because app url does not match regular expression \\.cfapps\\.eu10\\.',
        { SOURCE: 'RUNTIME', TYPE: 'boolean', APP_URL: '\\.cfapps\\.eu10\\.', APP_URL_ACTIVE: false },
      ],
    ]);
  });

  it('reports every problem naming the toggle: duplicates, unknown fields, wrong fallbacks', async () => {
    const root = project({ 't.yaml': '/dup:\n  fallbackValue: 1\n/typo:\n  type: number\n  fallbackValu: 1\n/mismatch:\n  type: number\n  fallbackValue: "x"\n' });
    const err = await readToggleConfig({ root, configFile: 't.yaml', config: { '/dup': { fallbackValue: 2 } } }).catch((e: Error & { problems: string[] }) => e);
    const file = path.join(root, 't.yaml');
    expect((err as { problems: string[] }).problems).toEqual([
      `${file}: toggle "/dup" is configured twice (also in cds.featureToggles.config)`,
      `${file}: toggle "/typo".fallbackValue: fallbackValue is required (a boolean, number or string)`,
      `${file}: toggle "/typo": unknown field "fallbackValu" (did you mean "fallbackValue"?)`,
      `${file}: toggle "/mismatch".fallbackValue: value "x" has invalid type string, must be number`,
    ]);
  });
});

describe('FeatureToggles without CAP', () => {
  it('inactive toggles refuse values but may be reset; unknown keys read as null', async () => {
    const toggles = await FeatureToggles.initialize({ root: project({}), settings: { config: { '/off': { type: 'number', fallbackValue: 0, active: false } } } });
    try {
      expect(await toggles.changeFeatureValue('/off', 5)).toEqual([{ featureKey: '/off', errorMessage: 'feature key is not active' }]);
      expect(await toggles.changeFeatureValue('/off', null)).toEqual([]);
      expect(toggles.getFeatureValue('/off')).toBe(0);
      expect(toggles.getFeatureValue('/unknown')).toBeNull();
    } finally {
      await toggles.close();
    }
  });
});

describe('named validators', () => {
  it('a { validator: name } nobody registered stops the initialization; once registered it validates changes', async () => {
    const name = `even-${Math.random().toString(36).slice(2)}`;
    const settings = { config: { '/n': { type: 'number', fallbackValue: 0, validations: [{ validator: name }] } } };
    await expect(FeatureToggles.initialize({ root: project({}), settings })).rejects.toThrow(`validator "${name}" is not registered`);
    registerValidator(name, async (value) => (Number(value) % 2 ? { errorMessage: 'value {0} is odd', errorMessageValues: [value] } : undefined));
    const toggles = await FeatureToggles.initialize({ root: project({}), settings });
    try {
      expect(await toggles.changeFeatureValue('/n', 3)).toEqual([{ featureKey: '/n', errorMessage: 'value 3 is odd' }]);
      expect(await toggles.changeFeatureValue('/n', 4)).toEqual([]);
      expect(toggles.getFeatureValue('/n')).toBe(4);
    } finally {
      await toggles.close();
    }
  });
});

describe('redisUpdate bodies and store selection', () => {
  it('parses one change or a list, refusing unknown fields with a suggestion', () => {
    expect(parseUpdateBody({ key: 'k', value: 1, scope: { tenant: 't' }, options: { clearSubScopes: true } })).toEqual({
      updates: [{ key: 'k', value: 1, scope: { tenant: 't' }, clearSubScopes: true }],
    });
    expect(parseUpdateBody([{ key: 'k', value: null, option: {} }])).toEqual({ errors: ['[0]: unknown field "option" (did you mean "options"?)'] });
    expect(parseUpdateBody([])).toEqual({ errors: ['the body must be a change { key, value, scope?, options? } or a non-empty list of them'] });
    expect(parseUpdateBody({ key: 'k', value: 1, options: { remoteonly: true } })).toEqual({ errors: ['body.options: unknown field "remoteonly" (did you mean "remoteOnly"?)'] });
  });

  it('chooses SWITCHYARD_STORE, else the Redis binding, else memory; the unique name becomes the namespace', () => {
    expect(storeLocation({}, undefined, { SWITCHYARD_STORE: 'postgres://db/x' })).toEqual({ url: 'postgres://db/x', from: 'SWITCHYARD_STORE' });
    expect(storeLocation({ redis: { credentials: { hostname: 'h', port: 6380, password: 'p w', tls: true } } }, 'app-1', {})).toEqual({
      url: 'rediss://:p%20w@h:6380',
      namespace: 'features-app-1',
      from: 'cds.requires.redis',
    });
    expect(storeLocation({ 'redis-featureToggles': { credentials: { uri: 'redis://r:6379' } } }, undefined, {}).from).toBe('cds.requires.redis-featureToggles');
    expect(storeLocation(undefined, 'x', {})).toEqual({ url: 'memory:', from: 'no store configured (in-process memory)' });
  });

  it('allows read-only Redis diagnostics by default', () => {
    expect(redisCommandRefusal(['INFO'], undefined)).toBeUndefined();
    expect(redisCommandRefusal(['FLUSHALL'], undefined)).toMatch(/^redis command "FLUSHALL" is not allowed/);
    expect(redisCommandRefusal(['CLIENT', 'LIST'], 'CLIENT LIST')).toBeUndefined();
  });
});
