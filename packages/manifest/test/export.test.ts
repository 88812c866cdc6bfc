import fc from 'fast-check';
import type { FlagDefinition, MaintainedValues } from '@switchyard/core';
import { ValidationError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { exportManifest, formatDiagnostic, loadManifests, parseManifest } from '../src/index';
import { generatedFlags } from './arbitraries';
import { examplesDir } from './helpers';
import { runs } from '../../../tooling/testing/property.ts';

const withoutPlace = (definitions: readonly FlagDefinition[]) => definitions.map(({ source: _source, flagSet: _flagSet, ...rest }) => rest);

function roundTrip(definitions: readonly FlagDefinition[], values: Record<string, MaintainedValues>, format: 'yaml' | 'json') {
  const text = exportManifest(definitions, values, { format });
  const parsed = parseManifest(text, { file: `roundtrip.${format}` });
  return { text, parsed };
}

describe('exportManifest', () => {
  it('writes the examples so that parsing gives the same definitions and values back', async () => {
    const loaded = await loadManifests(examplesDir);
    for (const format of ['yaml', 'json'] as const) {
      const { parsed } = roundTrip(loaded.definitions, loaded.values, format);
      expect(parsed.errors.map(formatDiagnostic)).toEqual([]);
      expect(parsed.warnings).toEqual([]);
      expect(parsed.format).toBe('native');
      expect(withoutPlace(parsed.definitions)).toEqual(withoutPlace(loaded.definitions));
      expect(parsed.values).toEqual(loaded.values);
    }
  });

  it('writes the short native form', () => {
    const text = exportManifest(
      [
        {
          key: '/check/priority',
          type: 'number',
          fallbackValue: 0,
          environments: { production: { type: 'static', value: 5 } },
          defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'tenant', operator: 'eq', value: 'people' }, serve: { type: 'static', value: 10 } }] },
          validations: [{ scopes: ['tenant'] }],
          flagSet: 'platform/toggles',
          source: { kind: 'manifest', file: 'platform/toggles.yaml', line: 4, column: 3 },
        },
      ],
      { '/check/priority': { rootValue: 1, scopedValues: { 'tenant::people': 10 } } },
      { format: 'yaml', schema: 'https://example.com/switchyard-manifest.schema.json' },
    );
    expect(text).toBe(
      [
        '# yaml-language-server: $schema=https://example.com/switchyard-manifest.schema.json',
        'switchyard: 1',
        'flags:',
        '  /check/priority:',
        '    type: number',
        '    fallbackValue: 0',
        '    environments:',
        '      production: 5',
        '    defaultRule:',
        '      type: targeting',
        '      rules:',
        '        - when:',
        '            attribute: tenant',
        '            operator: eq',
        '            value: people',
        '          serve: 10',
        '    validations:',
        '      - scopes:',
        '          - tenant',
        '    values:',
        '      root: 1',
        '      scoped:',
        '        - scope:',
        '            tenant: people',
        '          value: 10',
        '',
      ].join('\n'),
    );
  });

  it('writes JSON with a $schema key when asked', () => {
    const text = exportManifest([{ key: 'a', type: 'boolean', fallbackValue: false }], {}, { format: 'json', schema: './schema.json' });
    expect(JSON.parse(text)).toEqual({ $schema: './schema.json', switchyard: 1, flags: { a: { type: 'boolean', fallbackValue: false } } });
  });

  it('refuses a key given twice and a malformed scope key with ValidationError', () => {
    const a = { key: 'a', type: 'boolean' as const, fallbackValue: false };
    expect(() => exportManifest([a, a])).toThrow(ValidationError);
    expect(() => exportManifest([a], { a: { scopedValues: { 'not a scope key': true } } })).toThrow(/"not a scope key" is not a scope key/);
  });

  it('round-trips generated definitions and values through YAML and JSON (property)', () => {
    fc.assert(
      fc.property(generatedFlags, fc.constantFrom('yaml' as const, 'json' as const), (flags, format) => {
        const definitions = flags.map((f) => f.definition);
        const values: Record<string, MaintainedValues> = {};
        for (const f of flags) if (f.values) values[f.definition.key] = f.values;
        const { text, parsed } = roundTrip(definitions, values, format);
        if (parsed.errors.length) throw new Error(`${parsed.errors.map(formatDiagnostic).join('\n')}\n---\n${text}`);
        expect(parsed.warnings).toEqual([]);
        expect(withoutPlace(parsed.definitions)).toEqual(definitions);
        expect(parsed.values).toEqual(values);
        for (const d of parsed.definitions) expect(d.flagSet).toBe('roundtrip');
      }),
      { numRuns: runs(150) },
    );
  });
});
