import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { flagSetName, formatDiagnostic, loadManifests } from '../src/index';
import { evaluator, examplesDir, freshDirEachTest } from './helpers';

let dir: string;
freshDirEachTest('switchyard-manifests-', (d) => (dir = d));

async function write(file: string, text: string) {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), text);
}

describe('loadManifests: the examples', () => {
  it('loads every example without errors or warnings', async () => {
    const result = await loadManifests(examplesDir);
    expect(result.errors.map(formatDiagnostic)).toEqual([]);
    expect(result.warnings.map(formatDiagnostic)).toEqual([]);
    expect(result.files).toEqual(['ab-tests.yaml', 'checkout.yaml', 'experiments.json', 'in-development.yaml', 'platform/toggles.yaml']);
    expect(new Set(result.definitions.map((d) => d.flagSet))).toEqual(new Set(['ab-tests', 'checkout', 'experiments', 'in-development', 'platform/toggles']));
    expect(Object.keys(result.values)).toEqual(['checkout-max-items', '/check/priority']);
  });

  it('evaluates the JSON experiment split 30/40/10.5/19.5 and object variants sticky by accountId', async () => {
    const result = await loadManifests(examplesDir);
    const e = evaluator(result);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const v = e.value('search-ranking', 'production', { targetingKey: `t-${i}` }) as string;
      counts[v] = (counts[v] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(Math.abs(counts.c! / 10_000 - 0.105)).toBeLessThan(0.02);
    expect(e.value('search-ranking', 'development')).toBe('d');
    const layout = e.details('pricing-page-layout', undefined, { accountId: 'acme' });
    expect(['control', 'compact']).toContain(layout.variant);
    expect(e.details('pricing-page-layout', undefined, { accountId: 'acme', targetingKey: 'other' })).toEqual(layout);
  });
});

describe('loadManifests: directories', () => {
  it('names flag sets after file paths and reads YAML, YML and JSON recursively, skipping hidden and other files', async () => {
    await write('ab-tests.yaml', 'a:\n  production: true\n');
    await write('team/payments.yml', 'switchyard: 1\nflags:\n  b:\n    fallback: 1\n');
    await write('team/deep/c.json', '{"c": {"production": "x"}}');
    await write('notes.txt', 'not a manifest');
    await write('.hidden.yaml', 'broken: [');
    await write('.git/config.yaml', 'broken: [');
    const result = await loadManifests(dir);
    expect(result.errors).toEqual([]);
    expect(result.files).toEqual(['ab-tests.yaml', 'team/deep/c.json', 'team/payments.yml']);
    expect(result.definitions.map((d) => [d.key, d.flagSet, d.source?.file])).toEqual([
      ['a', 'ab-tests', 'ab-tests.yaml'],
      ['c', 'team/deep/c', 'team/deep/c.json'],
      ['b', 'team/payments', 'team/payments.yml'],
    ]);
  });

  it('reports file names relative to relativeTo when given', async () => {
    await write('team/a.yaml', 'a: {production: 1, staging: "x"}\n');
    const result = await loadManifests(dir, { relativeTo: path.dirname(dir) });
    expect(result.errors.map(formatDiagnostic)).toEqual([
      `${path.basename(dir)}/team/a.yaml:1:20 a.staging: value "x" has invalid type string, must be number (the flag's type, set by a.production)`,
    ]);
    expect(result.definitions).toEqual([]);
  });

  it('reports a flag key defined in two files, naming both places, and keeps the first', async () => {
    await write('ab-tests.yaml', '# A/B tests\ncheckout_page:\n  production: false\n');
    await write('team/payments.yaml', 'switchyard: 1\nflags:\n  other: {fallback: true}\n  checkout_page: {fallback: true}\n');
    const result = await loadManifests(dir);
    expect(result.errors.map(formatDiagnostic)).toEqual([
      'team/payments.yaml:4:3 flags.checkout_page: flag "checkout_page" is already defined at ab-tests.yaml:2:1',
    ]);
    expect(result.errors[0]!.code).toBe('duplicate-flag');
    expect(result.definitions.map((d) => [d.key, d.flagSet])).toEqual([
      ['checkout_page', 'ab-tests'],
      ['other', 'team/payments'],
    ]);
  });

  it('reports prerequisite cycles across files as errors and unknown prerequisites as warnings', async () => {
    await write('a.yaml', 'switchyard: 1\nflags:\n  a:\n    fallback: false\n    prerequisites: [{flag: b}]\n');
    await write('b.yaml', 'switchyard: 1\nflags:\n  b:\n    fallback: false\n    prerequisites: [{flag: c}, {flag: a}]\n  c:\n    fallback: false\n    prerequisites: [{flag: nowhere}]\n');
    const result = await loadManifests(dir);
    expect(result.errors.map(formatDiagnostic)).toEqual(['a.yaml:5:21 flags.a.prerequisites[0]: prerequisite cycle: a → b → a']);
    expect(result.warnings.map(formatDiagnostic)).toEqual(['b.yaml:8:22 flags.c.prerequisites[0].flag: flag "nowhere" is not defined in these manifests']);
  });

  it('collects the problems of every file at once, sorted by file and position', async () => {
    await write('b.yaml', 'x:\n  production: [\n');
    await write('a.yaml', 'switchyard: 1\nflags:\n  y: {fallback: true, colour: red}\n  z: {}\n');
    const result = await loadManifests(dir);
    expect(result.errors.map(formatDiagnostic)).toEqual([
      'a.yaml:3:23 flags.y.colour: unknown key "colour"',
      'a.yaml:4:3 flags.z.fallback: required',
      'b.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('reports a missing directory as a read error instead of throwing', async () => {
    const missing = path.join(dir, 'missing');
    const result = await loadManifests(missing);
    expect(result.definitions).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ file: missing, line: 0, column: 0, code: 'read-error', severity: 'error' });
    expect(formatDiagnostic(result.errors[0]!)).toMatch(new RegExp(`^${missing}: cannot read: ENOENT`));
  });
});

describe('flagSetName', () => {
  it('is the path without extension, with / separators', () => {
    expect(flagSetName('ab-tests.yaml')).toBe('ab-tests');
    expect(flagSetName('team/payments.yaml')).toBe('team/payments');
    expect(flagSetName('team\\payments.yml')).toBe('team/payments');
    expect(flagSetName('./x.JSON')).toBe('x');
  });
});
