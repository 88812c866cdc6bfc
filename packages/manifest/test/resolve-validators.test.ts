import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ValidatorRegistry, validateValueAsync } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic, loadManifests, resolveValidators } from '../src/index';
import { indentYaml, SEED_PRIORITY_TOGGLE, SEED_VALIDATORS } from '../../../tooling/testing/cds-seed.ts';

const header = 'switchyard: 1\nflags:\n';
let dir: string;

function manifest(name: string, flags: string): void {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, header + flags);
}

async function load(sub: string) {
  const loaded = await loadManifests(path.join(dir, sub));
  expect(loaded.errors.map(formatDiagnostic)).toEqual([]);
  const registry = new ValidatorRegistry();
  const problems = await resolveValidators(loaded.definitions, { registry, baseDir: path.join(dir, sub), values: loaded.values });
  return { ...loaded, registry, problems: problems.map(formatDiagnostic) };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sy-validators-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveValidators', () => {
  it("loads the seed's { module: $CONFIG_DIR/validators, call } next to the declaring file and calls it with the cds arguments", async () => {
    manifest(
      'seed/srv/feature/toggles.yaml',
      `${indentYaml(SEED_PRIORITY_TOGGLE, 2)}    values:
      scoped:
        - { scope: { tenant: people }, value: 10 }
`,
    );
    writeFileSync(path.join(dir, 'seed/srv/feature/validators.js'), SEED_VALIDATORS);
    const { definitions, registry, problems } = await load('seed');
    expect(problems).toEqual([]);
    const [priority] = definitions;
    expect(await validateValueAsync(priority!, 10, { tenant: 'dogs' }, { validators: registry })).toEqual([
      { path: ['value'], message: 'tenant scope is invalid, only people and pets are allowed: "dogs"' },
    ]);
    expect(await validateValueAsync(priority!, 10, { tenant: 'pets' }, { validators: registry })).toEqual([]);
  });

  it('resolves relative paths against the declaring file, takes ESM modules, default exports and async functions', async () => {
    manifest(
      'esm/team/flags.yaml',
      `  relative:
    fallback: 0
    validations: [{ module: ./checks/even.mjs, call: even }]
  default-export:
    fallback: 0
    validations: [{ module: $CONFIG_DIR/checks/positive.mjs }]
`,
    );
    mkdirSync(path.join(dir, 'esm/team/checks'), { recursive: true });
    writeFileSync(path.join(dir, 'esm/team/checks/even.mjs'), 'export async function even(v) { await null; return v % 2 ? `odd: {0}` : undefined; }\n');
    writeFileSync(path.join(dir, 'esm/team/checks/positive.mjs'), 'export default (v) => (v > 0 ? undefined : [{ errorMessage: "not positive: {0}", errorMessageValues: [v] }]);\n');
    const { definitions, registry, problems } = await load('esm');
    expect(problems).toEqual([]);
    const byKey = Object.fromEntries(definitions.map((d) => [d.key, d]));
    expect(await validateValueAsync(byKey.relative!, 3, undefined, { validators: registry })).toEqual([{ path: ['value'], message: 'odd: {0}' }]);
    expect(await validateValueAsync(byKey['default-export']!, -1, undefined, { validators: registry })).toEqual([{ path: ['value'], message: 'not positive: -1' }]);
  });

  it('a missing module, a missing export or an unregistered name is a problem naming the flag and its position', async () => {
    manifest(
      'broken/toggles.yaml',
      `  /no/module:
    fallback: 0
    validations: [{ module: $CONFIG_DIR/nowhere, call: check }]
  /no/export:
    fallback: 0
    validations: [{ module: ./present.js, call: validateTenantScope }]
  /no/name:
    fallback: 0
    validations: [{ validator: neverRegistered }]
`,
    );
    writeFileSync(path.join(dir, 'broken/present.js'), 'module.exports = { somethingElse() {} };\n');
    const { problems } = await load('broken');
    expect(problems).toEqual([
      `toggles.yaml:3:3 flags./no/module.validations[0]: flag "/no/module": validator module "$CONFIG_DIR/nowhere" not found (looked in ${path.join(dir, 'broken')})`,
      `toggles.yaml:6:3 flags./no/export.validations[0]: flag "/no/export": validator module "./present.js" (${path.join(dir, 'broken/present.js')}) has no function export "validateTenantScope"; its functions: somethingElse`,
      'toggles.yaml:9:3 flags./no/name.validations[0]: flag "/no/name": validator "neverRegistered" is not registered; register it with registerValidator("neverRegistered", fn) before the server starts',
    ]);
  });

  it('seeded values are checked with the loaded validators', async () => {
    manifest(
      'seeded/toggles.yaml',
      `  /check/priority:
    fallback: 0
    validations: [{ module: ./validators.js, call: validateTenantScope }]
    values:
      scoped:
        - { scope: { tenant: dogs }, value: 1 }
`,
    );
    writeFileSync(path.join(dir, 'seeded/validators.js'), SEED_VALIDATORS);
    const { problems } = await load('seeded');
    expect(problems).toEqual([
      'toggles.yaml:3:3 flags./check/priority.values.tenant::dogs: flag "/check/priority": seeded value 1 for tenant::dogs: tenant scope is invalid, only people and pets are allowed: "dogs"',
    ]);
  });
});
