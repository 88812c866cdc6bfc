import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseManifest } from '@switchyard/manifest';
import { openStore } from '@switchyard/stores';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, FIXTURES, runCli, tempDir } from './run-cli';

/**
 * Every store-backed command against one real store. `storeUrl` gives a fresh, empty store per
 * call; the steps of one `describe` share a store and run in order.
 */
export function storeCommandSuite(name: string, storeUrl: () => Promise<string>): void {
  describe(`store commands against ${name}`, () => {
    let url = '';
    const cli = (...args: string[]) => runCli([...args, '--store', url]);

    it('migrates a new store and reports an up-to-date one', async () => {
      url = await storeUrl();
      // A new SQLite file must be asked for (--create); other stores ignore the option.
      const first = await cli('migrate', '--json', '--create');
      expect(first.code).toBe(0);
      const migrations = JSON.parse(first.stdout).migrations as { status: string }[];
      expect(migrations.length).toBeGreaterThan(0);
      expect(migrations.every((m) => m.status === 'Success')).toBe(true);
      const again = await cli('migrate');
      expect(again).toEqual({ code: 0, stdout: '✔ schema is up to date\n', stderr: '' });
    });

    it('refuses to import manifests with errors and writes nothing', async () => {
      const r = await cli('import', EXAMPLES, path.join(FIXTURES, 'broken'));
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(8);
      expect(lines[0]).toMatch(/fixtures\/broken\/featuris\.yaml:3:3 checkout_page\.production: value "maybe" has invalid type string/);
      expect(lines[7]).toBe('error: import refused: 7 manifest errors; nothing was written');
      const list = await cli('flags', 'list', '--json');
      expect(JSON.parse(list.stdout)).toEqual({ flags: [] });
    });

    it('shows what an import would add, then imports everything', async () => {
      const diff = await cli('diff', EXAMPLES, '--exit-code');
      expect(diff.code).toBe(1);
      expect(diff.stdout).toContain('+ new-checkout (new boolean flag)\n');
      expect(diff.stdout).toContain('+ value /check/priority at tenant=people: (none) → 10\n');
      expect(diff.stdout).toContain('16 added, 0 changed, 16 unchanged'.replace('16 unchanged', '0 unchanged'));
      const r = await cli('import', EXAMPLES);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^✔ imported 16 flags into .+: 16 added, 0 changed, 0 unchanged, 4 values set\n$/);
      const again = await cli('import', EXAMPLES);
      expect(again.stdout).toMatch(/: 0 added, 0 changed, 16 unchanged, 0 values set\n$/);
      const clean = await cli('diff', EXAMPLES, '--exit-code');
      expect(clean).toEqual({ code: 0, stdout: '0 added, 0 changed, 16 unchanged, 0 values to set\n', stderr: '' });
    });

    it('lists and shows flags', async () => {
      const list = await cli('flags', 'list', '--json');
      const flags = JSON.parse(list.stdout).flags as { definition: { key: string; flagSet: string }; version: number; source: string }[];
      expect(flags.map((f) => f.definition.key).sort()).toContain('/check/priority');
      expect(flags).toHaveLength(16);
      expect(flags.find((f) => f.definition.key === 'search-ranking')).toMatchObject({ version: 1, source: 'store', definition: { flagSet: 'experiments' } });
      const table = await cli('flags', 'list', '--flag-set', 'platform/toggles');
      expect(table.stdout.split('\n')[0]).toMatch(/^KEY +TYPE +ENABLED +FALLBACK +VERSION +SOURCE +FLAG SET +DESCRIPTION$/);
      expect(table.stdout.trim().split('\n')).toHaveLength(4);
      const get = await cli('flags', 'get', 'checkout-max-items', '--format', 'json');
      expect(JSON.parse(get.stdout)).toMatchObject({ key: 'checkout-max-items', type: 'number', fallbackValue: 50, defaultRule: { type: 'static', value: 100 } });
      const missing = await cli('flags', 'get', 'nope');
      expect(missing).toEqual({ code: 1, stdout: '', stderr: 'error: flag "nope" not found\n' });
    });

    it('shows a changed definition as a diff and --prune as removals', async () => {
      const set = await cli('flags', 'set', 'checkout-currency', '--fallback', 'USD');
      expect(set).toEqual({ code: 0, stdout: '✔ updated checkout-currency (version 2)\n', stderr: '' });
      const extra = await cli('flags', 'set', 'only-in-store', '--type', 'boolean', '--fallback', 'true');
      expect(extra.stdout).toBe('✔ created only-in-store (version 1)\n');
      const diff = await cli('diff', EXAMPLES, '--prune');
      expect(diff.code).toBe(0);
      expect(diff.stdout).toContain('~ checkout-currency (stored version 2)\n');
      expect(diff.stdout).toContain('    -fallbackValue: USD\n    +fallbackValue: EUR\n');
      expect(diff.stdout).toContain('- only-in-store (stored version 1)\n');
      expect(diff.stdout).toContain('0 added, 1 changed, 1 removed, 15 unchanged, 0 values to set\n');
      const json = JSON.parse((await cli('diff', EXAMPLES, '--json')).stdout);
      expect(json.changed.map((c: { key: string }) => c.key)).toEqual(['checkout-currency']);
      expect(json.kept).toEqual(['only-in-store']);
      const imported = await cli('import', EXAMPLES, '--prune');
      expect(imported.stdout).toMatch(/: 0 added, 1 changed, 1 removed, 15 unchanged, 0 values set\n$/);
      expect((await cli('flags', 'get', 'only-in-store')).code).toBe(1);
      expect(JSON.parse((await cli('flags', 'get', 'checkout-currency', '--json')).stdout)).toMatchObject({ version: 3, definition: { fallbackValue: 'EUR' } });
    });

    it('exports a manifest that reads back to the same flags and values', async () => {
      const yaml = await cli('export');
      expect(yaml.code).toBe(0);
      const parsed = parseManifest(yaml.stdout, { file: 'export.yaml' });
      expect(parsed.errors).toEqual([]);
      expect(parsed.definitions.map((d) => d.key).sort()).toHaveLength(16);
      expect(parsed.values['/check/priority']).toEqual({ rootValue: 1, scopedValues: { 'tenant::people': 10, 'user::alice@wonderland.com': 100 } });
      const json = await cli('export', '--format', 'json', '--flag-set', 'checkout');
      const doc = JSON.parse(json.stdout);
      expect(Object.keys(doc.flags).sort()).toEqual(['checkout-currency', 'checkout-express-pay', 'checkout-max-items', 'new-checkout']);
      expect(parseYaml(yaml.stdout).switchyard).toBe(1);
    });

    it('creates a flag from a file and refuses invalid files precisely', async () => {
      const created = await cli('flags', 'set', 'banner', '--file', path.join(FIXTURES, 'definitions/banner.yaml'), '--expect-version', '0');
      expect(created).toEqual({ code: 0, stdout: '✔ created banner (version 1)\n', stderr: '' });
      const evaluated = await runCli(['eval', 'banner', '--store', url, '--env', 'production', '-c', 'country=DE', '--json']);
      expect(JSON.parse(evaluated.stdout)).toMatchObject({ key: 'banner', value: 'Willkommen', reason: 'TARGETING_MATCH' });
      const printed = await cli('flags', 'get', 'banner', '--format', 'yaml');
      const { dir, remove } = tempDir();
      try {
        writeFileSync(path.join(dir, 'banner.yaml'), printed.stdout.replace('Welcome', 'Hello'));
        const roundTrip = await cli('flags', 'set', 'banner', '--file', path.join(dir, 'banner.yaml'), '--expect-version', '1');
        expect(roundTrip).toEqual({ code: 0, stdout: '✔ updated banner (version 2)\n', stderr: '' });
      } finally {
        remove();
      }
      const invalid = await cli('flags', 'set', 'banner', '--file', 'packages/cli/test/fixtures/definitions/invalid.json');
      expect(invalid.code).toBe(1);
      expect(invalid.stderr.split('\n').at(-2)).toBe('error: packages/cli/test/fixtures/definitions/invalid.json is not a valid flag definition (2 problems)');
      expect(invalid.stderr).toContain('packages/cli/test/fixtures/definitions/invalid.json: fallbackValue: ');
      const broken = await cli('flags', 'set', 'banner', '--file', 'packages/cli/test/fixtures/definitions/not-yaml.yaml');
      expect(broken.code).toBe(1);
      expect(broken.stderr).toBe(
        'error: packages/cli/test/fixtures/definitions/not-yaml.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]\n',
      );
      const stale = await cli('flags', 'set', 'banner', '--file', path.join(FIXTURES, 'definitions/banner.yaml'), '--expect-version', '0');
      expect(stale).toEqual({ code: 1, stdout: '', stderr: 'error: "banner" is at version 2, not 0; read it again and retry\n' });
      const usage = await cli('flags', 'set', 'banner', '--file', 'x.yaml', '--type', 'string');
      expect(usage).toEqual({ code: 2, stdout: '', stderr: 'error: --file cannot be combined with --type\n' });
      const incomplete = await cli('flags', 'set', 'brand-new', '--description', 'no type');
      expect(incomplete.code).toBe(2);
      expect(incomplete.stderr).toBe('error: flag "brand-new" does not exist yet: give --type and --fallback (or --file)\n');
    });

    it('disables and enables a flag, guarded by versions', async () => {
      const off = await cli('flags', 'disable', 'checkout-max-items');
      expect(off).toEqual({ code: 0, stdout: '✔ disabled checkout-max-items (version 2)\n', stderr: '' });
      const evalOff = await runCli(['eval', 'checkout-max-items', '--store', url, '--json']);
      expect(JSON.parse(evalOff.stdout)).toMatchObject({ value: 50, reason: 'DISABLED' });
      const conflict = await cli('flags', 'enable', 'checkout-max-items', '--expect-version', '1');
      expect(conflict).toEqual({ code: 1, stdout: '', stderr: 'error: "checkout-max-items" is at version 2, not 1; read it again and retry\n' });
      const on = await cli('flags', 'enable', 'checkout-max-items', '--json');
      expect(JSON.parse(on.stdout)).toMatchObject({ version: 3, definition: { enabled: true } });
    });

    it('sets and clears maintained values, validated against the definition', async () => {
      const set = await cli('values', 'set', '/check/priority', '7', '--scope', 'tenant=acme');
      expect(set).toEqual({ code: 0, stdout: '✔ set /check/priority at tenant=acme to 7\n', stderr: '' });
      const scoped = await runCli(['eval', '/check/priority', '--store', url, '-c', 'tenant=acme', '--json']);
      expect(JSON.parse(scoped.stdout)).toMatchObject({ value: 7, reason: 'SCOPED' });
      const list = await cli('values', 'list', '/check/priority', '--json');
      expect(JSON.parse(list.stdout).values['/check/priority']).toMatchObject({ rootValue: 1, scopedValues: { 'tenant::acme': 7, 'tenant::people': 10 } });
      const wrongType = await cli('values', 'set', '/check/priority', 'high');
      expect(wrongType).toEqual({ code: 1, stdout: '', stderr: 'error: value: expected a number for a number flag, got "high"\n' });
      const badScope = await cli('values', 'set', '/check/priority', '3', '--scope', 'region=eu');
      expect(badScope.code).toBe(1);
      expect(badScope.stderr).toMatch(/^error: .*region/);
      const badPair = await cli('values', 'set', '/check/priority', '3', '--scope', 'tenant');
      expect(badPair).toEqual({ code: 2, stdout: '', stderr: 'error: --scope expects key=value, got "tenant"\n' });
      const cleared = await cli('values', 'clear', '/check/priority', '--scope', 'tenant=acme');
      expect(cleared.stdout).toBe('✔ cleared /check/priority at tenant=acme\n');
      const root = await runCli(['eval', '/check/priority', '--store', url, '-c', 'tenant=acme', '--json']);
      expect(JSON.parse(root.stdout)).toMatchObject({ value: 1, reason: 'STATIC' });
    });

    it('deletes flags', async () => {
      const r = await cli('flags', 'delete', 'banner', '--expect-version', '2');
      expect(r).toEqual({ code: 0, stdout: '✔ deleted banner\n', stderr: '' });
      const again = await cli('flags', 'delete', 'banner');
      expect(again).toEqual({ code: 1, stdout: '', stderr: 'error: flag "banner" not found\n' });
    });

    it('lists and purges stored feature results', async () => {
      const store = await openStore(url);
      try {
        await store.setFeatureValue('pricing-tier', 'tenant::a', 'gold');
        await store.setFeatureValue('pricing-tier', 'tenant::b', 'silver');
        await store.setFeatureValue('billing-plan', 'tenant::a', 'annual');
        await store.setFeatureValue('search-v2', '//', true);
      } finally {
        await store.close();
      }
      const list = await cli('features', 'list', '--json');
      expect(JSON.parse(list.stdout).features.sort()).toEqual(['billing-plan', 'pricing-tier', 'search-v2']);
      const one = await cli('features', 'purge', 'search-v2');
      expect(one).toEqual({ code: 0, stdout: '✔ purged 1 stored result\n', stderr: '' });
      const except = await cli('features', 'purge', '--except', 'billing-plan', '--json');
      expect(JSON.parse(except.stdout)).toEqual({ purged: 2 });
      const left = await cli('features', 'list');
      expect(left.stdout).toBe('billing-plan\n');
    });
  });
}
