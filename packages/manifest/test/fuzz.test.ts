import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compareDiagnostics, parseManifest } from '../src/index';
import type { ParsedManifest } from '../src/index';
import { readExample } from './helpers';
import { runs } from '../../../tooling/testing/property.ts';

/** What every parse must give, whatever the input: diagnostics with positions, never an exception. */
function checkShape(result: ParsedManifest, text: string): void {
  // YAML line breaks are \n, \r\n and a lone \r.
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const d of [...result.errors, ...result.warnings]) {
    expect(d.file).toBe('fuzz.yaml');
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(typeof d.message).toBe('string');
  }
  expect(result.errors.every((d) => d.severity === 'error')).toBe(true);
  expect(result.warnings.every((d) => d.severity === 'warning')).toBe(true);
  expect([...result.errors].sort(compareDiagnostics)).toEqual(result.errors);
  if (result.errors.length === 0) for (const d of result.definitions) expect(d.source?.kind).toBe('manifest');
}

const parse = (text: string) => parseManifest(text, { file: 'fuzz.yaml' });

const examples = ['ab-tests.yaml', 'in-development.yaml', 'checkout.yaml', 'platform/toggles.yaml', 'experiments.json'].map(readExample);
const fragments = fc.constantFrom(':', ' ', '\n', '\t', '-', '[', ']', '{', '}', '"', "'", '#', '&a', '*a', '!!str', '? ', '|', '>', ',', 'switchyard: 1', 'flags:', 'type: variant', '~', '\r\n', '\\', '%YAML 1.2', '---', '...');

describe('parseManifest never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), fc.array(fragments, { maxLength: 40 }).map((p) => p.join(''))), (text) => {
        checkShape(parse(text), text);
      }),
      { numRuns: runs(1000) },
    );
  });

  it('on mutated examples', () => {
    const mutation = fc.record({
      example: fc.integer({ min: 0, max: examples.length - 1 }),
      at: fc.nat(),
      remove: fc.nat({ max: 20 }),
      insert: fc.oneof(fc.string({ maxLength: 10 }), fragments),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let text = examples[mutations[0]!.example]!;
        for (const m of mutations) {
          const at = m.at % (text.length + 1);
          text = text.slice(0, at) + m.insert + text.slice(at + m.remove);
        }
        checkShape(parse(text), text);
      }),
      { numRuns: runs(500) },
    );
  });

  it('on arbitrary YAML data in either format', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (data, native) => {
        const text = stringify(native ? { switchyard: 1, flags: data } : data);
        checkShape(parse(text), text);
      }),
      { numRuns: runs(500) },
    );
  });

  it('gives keys without text of their own a real position (`? !!str` was reported at column 0)', () => {
    for (const text of ['? !!str', '? !!str\n', '? &a\n', 'flags:\n  ? !!str\n', '? !!str : x']) {
      const result = parse(text);
      expect(result.errors.length, text).toBeGreaterThan(0);
      checkShape(result, text);
    }
    expect(parse('? !!str').errors[0]).toMatchObject({ line: 1, column: 3 });
  });

  it('on deep nesting and alias bombs', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    checkShape(parse(deep), deep);
    const unclosed = `a: ${'{b: '.repeat(3000)}`;
    checkShape(parse(unclosed), unclosed);
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++) bomb += `a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
    const result = parse(bomb);
    checkShape(result, bomb);
    expect(result.errors.map((d) => d.message)).toContain('Excessive alias count indicates a resource exhaustion attack');
  });
});
