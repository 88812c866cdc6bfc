import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { detectFormat, formatDiagnostic, loadManifests, parseManifest, watchIntoEngine } from '../src/index';

const FLAGS = `{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "metadata": { "flagSetId": "shop", "version": "3" },
  "flags": {
    "new-welcome": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "targeting": { "if": [{ "$ref": "staff" }, "on", null] },
      "metadata": { "version": "4", "owner": "web" }
    },
    "colour": {
      "state": "ENABLED",
      "variants": { "red": "#f00", "blue": "#00f" },
      "defaultVariant": "red",
      "targeting": { "fractional": [["red", 50], ["blue", 50]] }
    },
    "broken": {
      "state": "ENABLED",
      "variants": { "a": "A", "b": "B" },
      "defaultVariant": "a",
      "targeting": { "if": [{ "$ref": "nobody" }, "b"] }
    },
    "off": { "state": "DISABLED", "variants": { "x": 1 }, "defaultVariant": "x" }
  },
  "$evaluators": {
    "staff": { "ends_with": [{ "var": "email" }, "@shop.example"] }
  }
}
`;

describe('flagd flag definitions', () => {
  it('are recognised by their content, with or without $schema, in JSON and YAML', () => {
    expect(detectFormat(JSON.parse(FLAGS))).toBe('flagd');
    expect(detectFormat({ flags: { f: { state: 'ENABLED', variants: { a: 1 } } }, $evaluators: {} })).toBe('flagd');
    expect(detectFormat({ flags: {}, $evaluators: {} })).toBe('flagd');
    expect(detectFormat({ switchyard: 1, flags: { f: { state: 'x' } } })).toBe('native');
    expect(detectFormat({ flags: { production: true } })).toBe('featuris');
    const yaml = parseManifest('flags:\n  dark-mode:\n    state: ENABLED\n    variants: { on: true, off: false }\n    defaultVariant: on\n', { file: 'flags.yaml' });
    expect(yaml.format).toBe('flagd');
    expect(yaml.errors).toEqual([]);
    expect(yaml.definitions[0]).toMatchObject({ key: 'dark-mode', type: 'boolean', fallbackValue: true, defaultRule: { type: 'flagd', defaultVariant: 'on' } });
  });

  it('resolve $ref, merge flag-set metadata under flag metadata, and take flagSetId as the flag set', () => {
    const parsed = parseManifest(FLAGS, { file: 'shop.flagd.json' });
    expect(parsed.format).toBe('flagd');
    expect(parsed.errors).toEqual([]);
    const welcome = parsed.definitions.find((d) => d.key === 'new-welcome')!;
    expect(welcome.defaultRule).toEqual({
      type: 'flagd',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [{ ends_with: [{ var: 'email' }, '@shop.example'] }, 'on', null] },
    });
    expect(welcome.metadata).toEqual({ flagSetId: 'shop', version: '4', owner: 'web' });
    expect(welcome.flagSet).toBe('shop');
    const engine = createEngine();
    engine.load({ definitions: parsed.definitions });
    expect(engine.evaluate('new-welcome', { email: 'ann@shop.example' })).toMatchObject({ value: true, reason: 'TARGETING_MATCH', metadata: { flagSetId: 'shop', version: '4', owner: 'web' } });
    expect(engine.evaluate('new-welcome', { email: 'bob@else.example' })).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect(engine.evaluate('off')).toMatchObject({ reason: 'DISABLED', value: undefined });
  });

  it('a $ref to a missing evaluator is a warning at its position and PARSE_ERROR for that flag only', () => {
    const parsed = parseManifest(FLAGS, { file: 'shop.flagd.json' });
    expect(parsed.warnings.map(formatDiagnostic)).toEqual([
      'shop.flagd.json:22:31 flags.broken.targeting.if[0].$ref: evaluator "nobody" is not defined in $evaluators: this flag answers PARSE_ERROR',
    ]);
    const engine = createEngine();
    engine.load({ definitions: parsed.definitions });
    expect(engine.evaluate('broken')).toMatchObject({ reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(engine.evaluate('colour', { targetingKey: 'u1' }).reason).toBe('TARGETING_MATCH');
  });

  it('reports structural problems at file:line:col and leaves only those flags out', () => {
    const text = [
      '{',
      '  "flags": {',
      '    "ok": { "state": "ENABLED", "variants": { "a": "A" }, "defaultVariant": "a" },',
      '    "bad-state": { "state": "ON", "variants": { "a": "A" } },',
      '    "mixed": { "state": "ENABLED", "variants": { "a": "A", "b": 2 } },',
      '    "no-such-default": { "state": "ENABLED", "variants": { "a": "A" }, "defaultVariant": "z" },',
      '    "unknown-op": { "state": "ENABLED", "variants": { "a": "A" }, "targeting": { "nope": [1] } }',
      '  }',
      '}',
    ].join('\n');
    const parsed = parseManifest(text, { file: 'f.json' });
    expect(parsed.errors.map(formatDiagnostic)).toEqual([
      'f.json:4:20 flags.bad-state.state: expected ENABLED or DISABLED, got string "ON"',
      'f.json:5:60 flags.mixed.variants.b: every variant of a flag has one type: this is number, variant "a" is string',
      'f.json:6:72 flags.no-such-default.defaultVariant: "z" is not one of the variants (a)',
    ]);
    expect(parsed.warnings.map(formatDiagnostic)).toEqual(['f.json:7:67 flags.unknown-op.targeting: unknown operator "nope": this flag answers PARSE_ERROR']);
    expect(parsed.definitions.map((d) => d.key)).toEqual(['ok', 'unknown-op']);
  });

  it('reload live when the file changes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-flagd-'));
    try {
      const file = path.join(dir, 'flags.json');
      const write = (variant: string) => writeFile(file, JSON.stringify({ flags: { f: { state: 'ENABLED', variants: { a: 'A', b: 'B' }, defaultVariant: variant } } }));
      await write('a');
      expect((await loadManifests(dir)).definitions.map((d) => d.key)).toEqual(['f']);
      const engine = createEngine();
      const watcher = await watchIntoEngine(dir, engine, { debounceMs: 20 });
      try {
        expect(engine.evaluate('f').value).toBe('A');
        await write('b');
        const start = Date.now();
        while (engine.evaluate('f').value !== 'B') {
          if (Date.now() - start > 10_000) throw new Error('no reload');
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        await watcher.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
