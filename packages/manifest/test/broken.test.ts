import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, parseManifest } from '../src/index';

const dir = new URL('./fixtures/broken/', import.meta.url);

/**
 * Every broken manifest and exactly what it reports, read with no acceptance source configured.
 * The same expectations are checked through `switchyard validate --json` by the CLI's tests.
 */
const expected = JSON.parse(readFileSync(new URL('./fixtures/broken.expected.json', import.meta.url), 'utf8')) as Record<
  string,
  { definitions: number; errors: string[]; warnings: string[] }
>;

describe('broken manifests', () => {
  it('has an expectation for every fixture', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`reports ${file} exactly`, () => {
      const result = parseManifest(readFileSync(new URL(file, dir), 'utf8'), { file, acceptanceSources: [] });
      expect(result.errors.map(formatDiagnostic)).toEqual(want.errors);
      expect(result.warnings.map(formatDiagnostic)).toEqual(want.warnings);
      expect(result.definitions).toHaveLength(want.definitions);
      // Every fixture but the acceptance warning one is refused as a whole.
      expect(result.errors.length > 0 || file === 'featuris-acceptance-unconfigured.yaml').toBe(true);
      for (const d of [...result.errors, ...result.warnings]) {
        expect(d.file).toBe(file);
        expect(d.line).toBeGreaterThan(0);
        expect(d.column).toBeGreaterThan(0);
      }
    });
  }

  it('warns about acceptance sources only when the configured ones are given, and not for configured ones', () => {
    const text = readFileSync(new URL('featuris-acceptance-unconfigured.yaml', dir), 'utf8');
    expect(parseManifest(text, { file: 'a.yaml' }).warnings).toEqual([]);
    expect(parseManifest(text, { file: 'a.yaml', acceptanceSources: ['pivotal'] }).warnings).toEqual([]);
    expect(parseManifest(text, { file: 'a.yaml', acceptanceSources: ['jira'] }).warnings.map((w) => w.code)).toEqual(['unconfigured-source']);
  });
});
