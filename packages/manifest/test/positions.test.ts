import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { exportManifest, parseManifest } from '../src/index';
import { generatedFlags } from './arbitraries';
import { runs } from '../../../tooling/testing/property.ts';

/** Independent oracle: where the `yaml` package puts the key `key` of the mapping at `path`. */
function oracle(text: string, path: string[], key: string): { line: number; column: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  let node: unknown = doc.contents;
  for (const segment of path) node = isMap(node) ? node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment)?.value : undefined;
  if (!isMap(node)) throw new Error(`no mapping at ${path.join('.')}`);
  const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  const { line, col } = lineCounter.linePos(pair!.key && isScalar(pair!.key) ? pair!.key.range![0] : 0);
  return { line, column: col };
}

function sources(text: string, file: string) {
  const result = parseManifest(text, { file });
  expect(result.errors).toEqual([]);
  return result.definitions.map((d) => ({ key: d.key, line: d.source!.line!, column: d.source!.column! }));
}

describe('source positions', () => {
  it('match the yaml package for generated native manifests in YAML and JSON (property)', () => {
    fc.assert(
      fc.property(generatedFlags, fc.constantFrom('yaml' as const, 'json' as const), (flags, format) => {
        const text = exportManifest(
          flags.map((f) => f.definition),
          {},
          { format },
        );
        for (const s of sources(text, `p.${format}`)) expect(s).toEqual({ key: s.key, ...oracle(text, ['flags'], s.key) });
      }),
      { numRuns: runs(60) },
    );
  });

  it('match the yaml package for unusual key spellings', () => {
    const featuris = [
      '# leading comment',
      'plain: {production: true}',
      '"double-quoted": {production: true}',
      "'single-quoted': {production: true}",
      '&anchored anchored: {production: true}',
      '!!str tagged: {production: true}',
      '? explicit',
      ': {production: true}',
      '12: {production: true}',
      'crlf:\r\n  production: true\r',
      '  # indented comment',
      'last:   {production: true}',
      '',
    ].join('\n');
    const found = sources(featuris, 'f.yaml');
    expect(found.map((s) => s.key)).toEqual(['plain', 'double-quoted', 'single-quoted', 'anchored', 'tagged', 'explicit', '12', 'crlf', 'last']);
    for (const s of found) expect(s).toEqual({ key: s.key, ...oracle(featuris, [], s.key) });
    const native = '{"switchyard": 1,\n "flags": {"a": {"fallback": true},\n   "b\\u0041": {"fallback": 1}, "0": {"fallback": "x"}}}';
    const nativeFound = sources(native, 'n.json');
    expect(nativeFound.map((s) => s.key)).toEqual(['a', 'bA', '0']);
    for (const s of nativeFound) expect(s).toEqual({ key: s.key, ...oracle(native, ['flags'], s.key) });
  });

  it('keeps document order for integer-like keys', () => {
    const text = 'z: {p: 1}\n10: {p: 1}\n2: {p: 1}\na: {p: 1}\n';
    expect(parseManifest(text, { file: 'o.yaml' }).definitions.map((d) => d.key)).toEqual(['z', '10', '2', 'a']);
    const withAlias = 'x: &v {p: 1}\n10: *v\n';
    expect(parseManifest(withAlias, { file: 'o.yaml' }).definitions.map((d) => [d.key, d.source?.line])).toEqual([
      ['x', 1],
      ['10', 2],
    ]);
  });
});
