import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from './run-cli';

const BROKEN = 'packages/cli/test/fixtures/broken';

describe('switchyard validate', () => {
  it('accepts the example manifests, warning about the acceptance flag whose source is not configured', async () => {
    const r = await runCli(['validate', 'examples/manifests']);
    expect(r).toEqual({
      code: 0,
      stdout:
        'warning: examples/manifests/in-development.yaml:16:5 wishlist_sharing.staging.source: acceptance source "pivotal" is not configured, so this flag can never be accepted and serves false (reason DISABLED_INTEGRATION); configure the source in the server\'s acceptance settings\n' +
        '✔ 5 files, 16 flags: valid (1 warning)\n',
      stderr: '',
    });
  });

  it('knows the acceptance sources of the server config (--config, SWITCHYARD_CONFIG) and the environment', async () => {
    const temp = tempDir();
    try {
      const config = path.join(temp.dir, 'switchyard.yaml');
      writeFileSync(config, 'acceptance:\n  pivotal:\n    type: pivotal-tracker\n    token: secret\n    project: 1234567\n');
      const clean = { code: 0, stdout: '✔ 5 files, 16 flags: valid\n', stderr: '' };
      expect(await runCli(['validate', 'examples/manifests', '--config', config])).toEqual(clean);
      expect(await runCli(['validate', 'examples/manifests'], { env: { SWITCHYARD_CONFIG: config } })).toEqual(clean);
      expect(await runCli(['validate', 'examples/manifests'], { env: { SWITCHYARD_PIVOTAL_TOKEN: 'secret' } })).toEqual(clean);
      writeFileSync(config, 'acceptance:\n  pivotal:\n    type: pivotal-tracker\n');
      const invalid = await runCli(['validate', 'examples/manifests', '--config', config]);
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toBe('error: invalid server configuration: acceptance source "pivotal" needs an API token: set SWITCHYARD_PIVOTAL_TOKEN or acceptance.pivotal.token in the config file\n');
    } finally {
      temp.remove();
    }
  });

  it('prints every error as file:line:col and exits 1', async () => {
    const r = await runCli(['validate', BROKEN]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      `${BROKEN}/featuris.yaml:3:3 checkout_page.production: value "maybe" has invalid type string, must be boolean (the flag's type, set by checkout_page.development)`,
      `${BROKEN}/featuris.yaml:9:9 checkout_page_typo.production.values[0].value: value "a" has invalid type string, must be boolean (the flag's type, set by checkout_page_typo.development)`,
      `${BROKEN}/featuris.yaml:11:9 checkout_page_typo.production.values[1].value: value "b" has invalid type string, must be boolean (the flag's type, set by checkout_page_typo.development)`,
      `${BROKEN}/featuris.yaml:12:9 checkout_page_typo.production.values[1].percentage: percentages sum to 70, must be 100`,
      `${BROKEN}/flags.yaml:8:5 flags.wrong-fallback.fallbackValue: value "ten" has invalid type string, must be number`,
      `${BROKEN}/flags.yaml:16:23 flags.bad-weights.defaultRule.variants[1].weight: weights sum to 140, must be 100`,
      `${BROKEN}/syntax.json:2:1: Flow map must end with a }`,
      '✖ 7 errors, 0 warnings in 3 files, 1 flag',
      '',
    ]);
  });

  it('exits 0 with warnings and shows them', async () => {
    const r = await runCli(['validate', 'packages/cli/test/fixtures/valid/warned.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'warning: packages/cli/test/fixtures/valid/warned.yaml:3:3 warned-flag.prerequisites[0].flag: flag "defined-elsewhere" is not defined in these manifests\n✔ 1 file, 1 flag: valid (1 warning)\n',
    );
  });

  it('refuses a misspelt key (it used to be a warning and exit 0), naming the key it most likely means', async () => {
    const temp = tempDir();
    try {
      const file = path.join(temp.dir, 'typo.yaml');
      writeFileSync(file, 'switchyard: 1\nflags:\n  dark-mode:\n    fallback: false\n    enabeld: false\n');
      const r = await runCli(['validate', 'typo.yaml'], { cwd: temp.dir });
      expect(r).toEqual({ code: 1, stdout: 'typo.yaml:5:5 flags.dark-mode.enabeld: unknown key "enabeld" (did you mean "enabled"?)\n✖ 1 error, 0 warnings in 1 file, 0 flags\n', stderr: '' });
    } finally {
      temp.remove();
    }
  });

  it('finds a flag defined under two paths', async () => {
    const r = await runCli(['validate', 'examples/manifests', 'packages/cli/test/fixtures/valid/dupe.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'packages/cli/test/fixtures/valid/dupe.yaml:3:3 new-checkout: flag "new-checkout" is defined twice (first defined in examples/manifests/checkout.yaml:4)\n',
    );
  });

  it('reports a path that does not exist', async () => {
    const r = await runCli(['validate', 'no/such/dir']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('no/such/dir: cannot read: no such file or directory\n✖ 1 error, 0 warnings in 0 files, 1 flag\n'.replace('1 flag', '0 flags'));
  });

  it('prints diagnostics as JSON with --json', async () => {
    const r = await runCli(['validate', `${BROKEN}/flags.yaml`, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ valid: false, files: [`${BROKEN}/flags.yaml`], flags: 1, warnings: [] });
    expect(out.errors).toEqual([
      {
        file: `${BROKEN}/flags.yaml`,
        line: 8,
        column: 5,
        path: 'flags.wrong-fallback.fallbackValue',
        message: 'value "ten" has invalid type string, must be number',
        severity: 'error',
        code: 'type-mismatch',
      },
      {
        file: `${BROKEN}/flags.yaml`,
        line: 16,
        column: 23,
        path: 'flags.bad-weights.defaultRule.variants[1].weight',
        message: 'weights sum to 140, must be 100',
        severity: 'error',
        code: expect.any(String),
      },
    ]);
  });
});
