import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '@switchyard/core';
import { parseManifest } from '@switchyard/manifest';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, FIXTURES, runCli, tempDir } from './run-cli';

const temp = tempDir();
afterAll(() => temp.remove());
const EXPORT = path.join(FIXTURES, 'unleash', 'export.json');

describe('switchyard import --from unleash', () => {
  it('writes a native manifest that evaluates as Unleash does, reporting every difference', async () => {
    const out = path.join(temp.dir, 'unleash.yaml');
    const r = await runCli(['import', '--from', 'unleash', EXPORT, '-o', out]);
    expect(r.stderr).toContain('featureStrategies[3]: warning: disabled strategy: Unleash does not evaluate it; left out');
    expect(r.stderr).toContain('features[3]: warning: flag key "Hell_uf8": the name is not a valid Switchyard key');
    expect(r.code).toBe(0);
    const parsed = parseManifest(readFileSync(out, 'utf8'), { file: 'unleash.yaml' });
    expect(parsed.errors).toEqual([]);
    const engine = createEngine();
    engine.load({ definitions: parsed.definitions });
    expect(engine.evaluate('new-checkout', { userId: 'alice' }).value).toBe(true);
    expect(engine.evaluate('new-checkout', { userId: 'carol', country: 'FR' }).value).toBe(false);
    expect(engine.evaluate('express-pay', { userId: 'alice' })).toMatchObject({ value: false, reason: 'DISABLED' });
    expect(engine.evaluate('checkout-colour', { userId: 'u1' })).toMatchObject({ value: true, metadata: { variantEnabled: true } });
    expect(engine.evaluate('Hell_uf8').value).toBe(true);
    expect(engine.get('new-checkout')).toMatchObject({ description: 'The new checkout', tags: ['checkout'], metadata: { unleashType: 'release', unleashProject: 'default', unleashEnvironment: 'production' } });
  });

  it('imports into a store, and refuses an export with parts it cannot map (nothing written)', async () => {
    const store = `sqlite:${path.join(temp.dir, 'flags.db')}`;
    const ok = await runCli(['import', '--from', 'unleash', EXPORT, '--store', store, '--create']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('imported 4 Unleash features');
    const broken = path.join(temp.dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ features: [{ name: 'x'.repeat(300), strategies: [] }] }));
    const refused = await runCli(['import', '--from', 'unleash', broken, '--store', `sqlite:${path.join(temp.dir, 'other.db')}`, '--create']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('too long for a flag key');
    expect(refused.stderr).toContain('import refused: 1 part of');
    const notJson = await runCli(['import', '--from', 'unleash', path.join(FIXTURES, 'definitions', 'not-yaml.yaml'), '-o', path.join(temp.dir, 'x.yaml')]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('not JSON');
    const usage = await runCli(['import', EXPORT, '--environment', 'production', '--store', store]);
    expect(usage.code).toBe(2);
  });
});

describe('switchyard export --format flagd', () => {
  it('refuses what flagd cannot express unless told to skip it, naming each flag and reason', async () => {
    const store = `sqlite:${path.join(temp.dir, 'flags.db')}`;
    const refused = await runCli(['export', '--store', store, '--format', 'flagd']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("new-checkout: error: not written: an unleash rule (strategies, Unleash's hashing) has no flagd equivalent");
    expect(refused.stdout).toBe('');
    const imported = await runCli(['import', EXAMPLES, '--store', `sqlite:${path.join(temp.dir, 'native.db')}`, '--create']);
    expect(imported.code).toBe(0);
    const flagd = await runCli(['export', '--store', `sqlite:${path.join(temp.dir, 'native.db')}`, '--format', 'flagd', '--environment', 'production', '--skip-unrepresentable']);
    expect(flagd.code).toBe(0);
    const parsed = parseManifest(flagd.stdout, { file: 'out.json' });
    expect(parsed).toMatchObject({ format: 'flagd', errors: [] });
    expect(parsed.definitions.length).toBeGreaterThan(3);
  });
});
