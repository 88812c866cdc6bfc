import { describe, expect, it } from 'vitest';
import { formatDiagnostic, parseManifest } from '../src/index';
import { evaluator, parseValid, readExample, utc } from './helpers';

describe('Featuris manifests: the complete example (ab-tests.yaml)', () => {
  const manifest = parseValid(readExample('ab-tests.yaml'), 'ab-tests.yaml');

  it('maps each feature id to one flag of the file flag set, with its source position', () => {
    expect(manifest.format).toBe('featuris');
    expect(manifest.warnings).toEqual([]);
    expect(manifest.definitions.map((d) => [d.key, d.type, d.fallbackValue, d.flagSet, d.source])).toEqual([
      ['checkout_page', 'boolean', false, 'ab-tests', { kind: 'manifest', file: 'ab-tests.yaml', line: 2, column: 1 }],
      ['purchase_button_component', 'string', 'a', 'ab-tests', { kind: 'manifest', file: 'ab-tests.yaml', line: 6, column: 1 }],
      ['display_christmas_banner', 'boolean', false, 'ab-tests', { kind: 'manifest', file: 'ab-tests.yaml', line: 16, column: 1 }],
    ]);
  });

  it('maps environments to core rules', () => {
    const [checkout, button, banner] = manifest.definitions;
    expect(checkout!.environments).toEqual({
      development: { type: 'static', value: true },
      staging: { type: 'static', value: true },
      production: { type: 'static', value: false },
    });
    expect(button!.environments!.production).toEqual({
      type: 'variant',
      variants: [
        { value: 'a', weight: 50 },
        { value: 'b', weight: 50 },
      ],
    });
    expect(banner!.environments!.production).toEqual({ type: 'schedule', windows: [{ from: '2017-12-25 00:00:00', to: '2018-01-05 23:59:59' }] });
  });

  it('hides the checkout page in production only', () => {
    const e = evaluator(manifest);
    expect(e.value('checkout_page', 'development')).toBe(true);
    expect(e.value('checkout_page', 'staging')).toBe(true);
    expect(e.details('checkout_page', 'production')).toMatchObject({ value: false, reason: 'STATIC' });
  });

  it('serves environments not listed, and no environment at all, the fallback', () => {
    const e = evaluator(manifest);
    expect(e.details('checkout_page', 'qa')).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect(e.details('purchase_button_component', 'qa')).toMatchObject({ value: 'a', reason: 'DEFAULT' });
    expect(e.details('display_christmas_banner', undefined)).toMatchObject({ value: false, reason: 'DEFAULT' });
  });

  it('splits the purchase button 50/50 in production, sticky per targetingKey', () => {
    const e = evaluator(manifest);
    expect(e.value('purchase_button_component', 'development', { targetingKey: 'u1' })).toBe('a');
    expect(e.value('purchase_button_component', 'staging', { targetingKey: 'u1' })).toBe('a');
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 2000; i++) {
      const context = { targetingKey: `user-${i}` };
      const first = e.details('purchase_button_component', 'production', context);
      expect(first.reason).toBe('SPLIT');
      expect(first.variant).toBe(first.value);
      for (let again = 0; again < 3; again++) expect(e.value('purchase_button_component', 'production', context)).toBe(first.value);
      counts[first.value as 'a' | 'b']++;
    }
    expect(counts.a + counts.b).toBe(2000);
    expect(counts.a).toBeGreaterThan(900);
    expect(counts.b).toBeGreaterThan(900);
  });

  it('shows the Christmas banner during the 12 days of Christmas in production, always in staging', () => {
    const e = evaluator(manifest);
    const cases: [string, boolean][] = [
      ['2017-12-24 23:59:59', false],
      ['2017-12-25 00:00:00', true],
      ['2018-01-01 12:00:00', true],
      ['2018-01-05 23:59:59', true],
      ['2018-01-06 00:00:00', false],
    ];
    for (const [time, shown] of cases) {
      e.at(utc(time));
      expect([time, e.value('display_christmas_banner', 'production')]).toEqual([time, shown]);
      expect(e.value('display_christmas_banner', 'staging')).toBe(true);
      expect(e.value('display_christmas_banner', 'development')).toBe(false);
    }
  });
});

describe('Featuris manifests: the per-type examples of the documentation', () => {
  it('reads the NODE_ENV example (feature_01) and evaluates env_03 by the clock', () => {
    const manifest = parseValid(readExample('in-development.yaml'), 'in-development.yaml');
    const e = evaluator(manifest);
    expect(e.value('feature_01', 'env_01')).toBe(true);
    expect(e.value('feature_01', 'env_02')).toBe(false);
    e.at(utc('2017-04-20 12:34:59'));
    expect(e.value('feature_01', 'env_03')).toBe(false);
    e.at(utc('2017-04-20 12:35:00'));
    expect(e.details('feature_01', 'env_03')).toMatchObject({ value: true, reason: 'SCHEDULE' });
    e.at(utc('2017-04-20 16:20:00'));
    expect(e.value('feature_01', 'env_03')).toBe(true);
    e.at(utc('2017-04-20 16:20:01'));
    expect(e.value('feature_01', 'env_03')).toBe(false);
  });

  it('writes static values implicitly or explicitly, with the same result', () => {
    const implicit = parseValid('feature:\n  environment_name: true\n');
    const explicit = parseValid('feature:\n  environment_name:\n    type: static\n    value: true\n');
    expect(explicit.definitions).toEqual(implicit.definitions);
    expect(evaluator(explicit).value('feature', 'environment_name')).toBe(true);
  });

  it('splits 30/40/10.5/19.5 between four variants', () => {
    const manifest = parseValid(
      [
        'feature:',
        '  environment_name:',
        '    type: variant',
        '    values:',
        '      - value: "a"',
        '        percentage: 30',
        '      - value: "b"',
        '        percentage: 40',
        '      - value: "c"',
        '        percentage: 10.5',
        '      - value: "d"',
        '        percentage: 19.5',
      ].join('\n'),
    );
    expect(manifest.definitions[0]!.environments!.environment_name).toEqual({
      type: 'variant',
      variants: [
        { value: 'a', weight: 30 },
        { value: 'b', weight: 40 },
        { value: 'c', weight: 10.5 },
        { value: 'd', weight: 19.5 },
      ],
    });
    const e = evaluator(manifest);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[e.value('feature', 'environment_name', { targetingKey: `visitor-${i}` }) as string]!++;
    expect(Math.abs(counts.a! / n - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(counts.b! / n - 0.4)).toBeLessThan(0.02);
    expect(Math.abs(counts.c! / n - 0.105)).toBeLessThan(0.02);
    expect(Math.abs(counts.d! / n - 0.195)).toBeLessThan(0.02);
  });

  it('returns true in any of several schedule windows (January 2018 and March 2019)', () => {
    const manifest = parseValid(readExample('in-development.yaml'), 'in-development.yaml');
    const e = evaluator(manifest);
    const cases: [string, boolean][] = [
      ['2017-12-31 23:59:59', false],
      ['2018-01-01 00:00:00', true],
      ['2018-01-31 23:59:59', true],
      ['2018-02-15 00:00:00', false],
      ['2019-03-01 00:00:00', true],
      ['2019-03-31 23:59:59', true],
      ['2019-04-01 00:00:00', false],
    ];
    for (const [time, on] of cases) {
      e.at(utc(time));
      expect([time, e.value('seasonal_sale', 'production')]).toEqual([time, on]);
    }
  });

  it('maps acceptance flags to core acceptance rules, served by the engine once the source accepts', async () => {
    const manifest = parseValid(readExample('in-development.yaml'), 'in-development.yaml');
    const rule = manifest.definitions.find((d) => d.key === 'wishlist_sharing')!.environments!.staging;
    expect(rule).toEqual({
      type: 'acceptance',
      source: 'pivotal',
      state: 'delivered',
      items: [
        { projectId: 1234567, storyId: 123456789 },
        { projectId: 1234567, storyId: 987654321 },
        { projectId: 1234567, storyId: 112233445 },
        { projectId: 1234567, storyId: 998877665 },
      ],
    });
    const { createEngine } = await import('@switchyard/core');
    let state = 'started';
    const engine = createEngine({
      environment: 'staging',
      acceptanceSources: { pivotal: { states: async (items) => items.map(() => state) } },
    });
    engine.load({ definitions: manifest.definitions, values: manifest.values });
    await engine.refreshAcceptance();
    expect(engine.evaluate('wishlist_sharing').value).toBe(false);
    state = 'delivered';
    await engine.refreshAcceptance();
    expect(engine.evaluate('wishlist_sharing').value).toBe(true);
    expect(engine.evaluate('wishlist_sharing', {}, { environment: 'development' }).value).toBe(true);
    expect(engine.evaluate('wishlist_sharing', {}, { environment: 'production' }).value).toBe(false);
  });

  it('reads the same manifest written as JSON, with positions', () => {
    const json = JSON.stringify({ checkout_page: { development: true, production: false } }, null, 2);
    const result = parseValid(json, 'ab-tests.json');
    expect(result.format).toBe('featuris');
    expect(result.definitions[0]).toMatchObject({ key: 'checkout_page', flagSet: 'ab-tests', source: { line: 2, column: 3 } });
  });
});

describe('Featuris type inference and fallback', () => {
  it('takes the type from the first value in document order and the fallback from the first static or variant value', () => {
    const result = parseValid(
      [
        'limit:',
        '  production: {type: variant, values: [{value: 10, percentage: 50}, {value: 20, percentage: 50}]}',
        '  development: 99',
        'theme:',
        '  development: {type: static, value: {dark: true}}',
        '  production: [1, 2]',
        'sale:',
        '  production: {type: schedule, values: [{from: "2024-01-01 00:00:00"}]}',
        '  development: true',
      ].join('\n'),
    );
    expect(result.definitions.map((d) => [d.key, d.type, d.fallbackValue])).toEqual([
      ['limit', 'number', 10],
      ['theme', 'object', { dark: true }],
      ['sale', 'boolean', false],
    ]);
  });

  it('reports a value that disagrees with the type at that value', () => {
    const result = parseManifest('limit:\n  development: 5\n  production: "5"\n', { file: 'limits.yaml' });
    expect(result.errors.map(formatDiagnostic)).toEqual([
      'limits.yaml:3:3 limit.production: value "5" has invalid type string, must be number (the flag\'s type, set by limit.development)',
    ]);
    expect(result.errors[0]!.code).toBe('type-mismatch');
    expect(result.definitions).toEqual([]);
  });

  it('accepts schedule dates with a time zone extension and ISO 8601 dates', () => {
    const result = parseValid('sale:\n  production:\n    type: schedule\n    timezone: Europe/Berlin\n    values:\n      - from: "2024-03-01 00:00:00"\n        to: "2024-03-01T23:59:59+01:00"\n');
    const e = evaluator(result);
    e.at(utc('2024-02-29 22:59:59'));
    expect(e.value('sale', 'production')).toBe(false);
    e.at(utc('2024-02-29 23:00:00'));
    expect(e.value('sale', 'production')).toBe(true);
  });

  it('treats a root key named switchyard as the native format marker, so parsing as Featuris must be asked for', () => {
    const text = 'switchyard:\n  production: true\n';
    expect(parseManifest(text, { file: 'x.yaml' }).errors.map(formatDiagnostic)).toEqual([
      'x.yaml:1:1 switchyard: unsupported format version object, this reader understands 1',
    ]);
    const forced = parseManifest(text, { file: 'x.yaml', format: 'featuris' });
    expect(forced.errors).toEqual([]);
    expect(forced.definitions.map((d) => d.key)).toEqual(['switchyard']);
  });

  it('reads an empty document as an empty manifest', () => {
    for (const text of ['', '# nothing yet\n', '{}']) {
      expect(parseManifest(text, { file: 'empty.yaml' })).toEqual({ format: 'featuris', definitions: [], values: {}, errors: [], warnings: [] });
    }
  });
});
