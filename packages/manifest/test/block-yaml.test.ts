import fc from 'fast-check';
import { CORE_SCHEMA, dump, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readBlockYaml } from '../src/block-yaml';
import { readWithEvents } from '../src/yaml-document';
import { exportManifest } from '../src/index';
import { scaleDefinitions } from '../bench/scale-manifest';
import { readExample } from './helpers';
import { runs } from '../../../tooling/testing/property.ts';

/**
 * The block reader is a fast path: for any text it either declines (`undefined`) or gives exactly
 * what js-yaml's core schema gives, with the same key positions as the event reader.
 */
function agreesWithJsYaml(text: string): 'read' | 'declined' {
  const block = readBlockYaml(text);
  let expected: unknown;
  let loads = true;
  try {
    expected = load(text, { schema: CORE_SCHEMA });
  } catch {
    loads = false;
  }
  if (!block) return 'declined';
  expect(loads, `js-yaml refuses what the block reader read:\n${text}`).toBe(true);
  expect(block.value).toStrictEqual(expected);
  const events = readWithEvents(text);
  if (events) {
    expect([...block.keyOffsets].map(([k, v]) => [k, [...v]])).toEqual([...events.keyOffsets].map(([k, v]) => [k, [...v]]));
    expect([...block.keyOrder]).toEqual([...events.keyOrder]);
  }
  return 'read';
}

/** Scalars chosen to sit on the edges of the core schema and of plain-scalar syntax. */
const trickyScalar = fc.oneof(
  fc.constantFrom('true', 'True', 'TRUE', 'false', 'yes', 'no', 'on', 'null', 'Null', '~', '', ' ', '0', '-0', '+1', '0x1F', '0o17', '0b11', '1e3', '1.5', '.5', '.inf', '-.Inf', '.nan', '1_000', '12:30', '- x', '-x', ':x', 'a: b', 'a:b', 'a #b', 'a#b', '#x', "it's", 'say "hi"', 'back\\slash', 'tab\there', 'é ü 雪', '[x]', '{x}', 'a, b', '?x', '@x', '`x', '%x', '&a', '*a', '!x', '|', '>', "'", '"', 'x ', ' x', '__proto__', '---', '...'),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(fc.constantFrom('type', 'value', 'a b', 'x:y', 'true', '1', 'null', '-k', 'k#', "k'", 'k"', '__proto__', ''), fc.string({ maxLength: 8 }));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, trickyScalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
})).node;

/** How a document can be written: both libraries' dumpers, with sequences indented or not. */
function write(value: unknown, style: number): string {
  switch (style) {
    case 0:
      return stringify(value);
    case 1:
      return stringify(value, { indentSeq: false });
    case 2:
      return dump(value, { schema: CORE_SCHEMA, flowLevel: -1, noRefs: true });
    default:
      return stringify(value, { indent: 4, lineWidth: 0 });
  }
}

describe('block YAML reader', () => {
  it('reads the scale fixture and the example manifests exactly as js-yaml does', () => {
    expect(agreesWithJsYaml(exportManifest(scaleDefinitions(200)))).toBe('read');
    for (const file of ['ab-tests.yaml', 'in-development.yaml']) expect(agreesWithJsYaml(readExample(file))).toBe('read');
  });

  it('agrees with js-yaml on generated documents, or declines', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(fc.dictionary(key, tree, { maxKeys: 6 }), fc.array(tree, { maxLength: 4 })), fc.integer({ min: 0, max: 3 }), (value, style) => {
        let text: string;
        try {
          text = write(value, style);
        } catch {
          return; // a value a dumper cannot write (e.g. js-yaml and undefined)
        }
        if (agreesWithJsYaml(text) === 'read') read++;
      }),
      { numRuns: runs(1500) },
    );
    // The fast path must be the usual path, not a rarity.
    expect(read).toBeGreaterThan(runs(1500) / 4);
  });

  it('agrees with js-yaml on mutated documents, or declines', () => {
    const base = [exportManifest(scaleDefinitions(30)), readExample('ab-tests.yaml'), readExample('in-development.yaml')];
    const fragment = fc.constantFrom(' ', '  ', '\n', '- ', ': ', ':', '#', ' #', '"', "'", '[]', '{}', '[a]', '---\n', '...\n', '&a ', '*a', '!!str ', '|\n', '>\n', '? ', 'x', '\t', '\r\n', '\\', '1', 'true', '~', '\uFEFF');
    const mutation = fc.record({ at: fc.nat(), remove: fc.nat({ max: 6 }), insert: fc.oneof(fragment, fc.string({ maxLength: 4 })) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (which, mutations) => {
        let text = base[which]!;
        for (const m of mutations) {
          const at = m.at % (text.length + 1);
          text = text.slice(0, at) + m.insert + text.slice(at + m.remove);
        }
        agreesWithJsYaml(text);
      }),
      { numRuns: runs(1500) },
    );
  });

  it('declines what it does not read, leaving it to the general parser', () => {
    for (const text of [
      'a: |\n  block\n',
      'a: [1, 2]\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: 1\na: 2\n',
      'a: "multi\n  line"\n',
      'a: plain\n  continued\n',
      '--- \na: 1\n---\nb: 2\n',
      '%YAML 1.2\n---\na: 1\n',
      'a:\r\n  b: 1\r\n',
      '\tb: 1\n',
      '  a: 1\n',
      'true: 1\n',
      '__proto__: 1\n',
      'a: b: c\n',
      '',
      '# only a comment\n',
    ]) {
      expect(readBlockYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('reads compact sequences, quoted keys, comments and empty collections', () => {
    const text = '# top\nswitchyard: 1 # version\nflags:\n  "quoted key":\n    list:\n    - a\n    - b: 1\n      c: \'it\'\'s\'\n    empty: []\n    none: {}\n    "esc": "tab\\t\\u00e9"\n  plain: x#y\n';
    expect(agreesWithJsYaml(text)).toBe('read');
    expect(readBlockYaml(text)!.value).toEqual({ switchyard: 1, flags: { 'quoted key': { list: ['a', { b: 1, c: "it's" }], empty: [], none: {}, esc: 'tab\té' }, plain: 'x#y' } });
  });
});
