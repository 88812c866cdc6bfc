import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

/** The manifest package's fixture folder of broken files, with the exact problems each one reports. */
const DIR = fileURLToPath(new URL('../../manifest/test/fixtures/broken/', import.meta.url));
const EXPECTED = JSON.parse(readFileSync(new URL('../../manifest/test/fixtures/broken.expected.json', import.meta.url), 'utf8')) as Record<
  string,
  { definitions: number; errors: string[]; warnings: string[] }
>;

interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

const line = (d: JsonDiagnostic) => `${d.file}:${d.line}:${d.column}${d.path ? ` ${d.path}` : ''}: ${d.message}`;

describe('switchyard validate --json on every broken manifest fixture (the built CLI)', () => {
  it('covers every fixture', () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('reports each problem at file:line:col, and exits 1 on errors (0 with warnings only)', async () => {
    const files = Object.keys(EXPECTED).sort();
    const results = await Promise.all(files.map((file) => runCli(['validate', '--json', file], { cwd: DIR })));
    files.forEach((file, i) => {
      const r = results[i]!;
      const want = EXPECTED[file]!;
      const out = JSON.parse(r.stdout) as { valid: boolean; flags: number; errors: JsonDiagnostic[]; warnings: JsonDiagnostic[] };
      expect(out.errors.map(line), file).toEqual(want.errors);
      expect(out.warnings.map(line), file).toEqual(want.warnings);
      expect(out.valid, file).toBe(want.errors.length === 0);
      expect(r.code, file).toBe(want.errors.length ? 1 : 0);
      expect(r.stderr, file).toBe('');
      for (const d of [...out.errors, ...out.warnings]) expect(d.line > 0 && d.column > 0, `${file}: ${line(d)}`).toBe(true);
    });
  });
});
