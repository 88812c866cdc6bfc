import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/store-errors';
import type { FlagDefinition } from '../types/flag';
import { createEngine } from './engine';

const bool = (key: string, extra: Partial<FlagDefinition> = {}): FlagDefinition => ({ key, type: 'boolean', fallbackValue: false, ...extra });

describe('Engine: basic evaluation', () => {
  it('serves static values per environment, the default rule elsewhere, and the fallback last', () => {
    const engine = createEngine({ environment: 'production' });
    engine.load({
      definitions: [
        bool('checkout_page', { environments: { development: { type: 'static', value: true }, production: { type: 'static', value: false } } }),
        bool('with_default', { defaultRule: { type: 'static', value: true } }),
        { key: 'plain', type: 'string', fallbackValue: 'fallback' },
      ],
    });
    expect(engine.evaluate('checkout_page')).toMatchObject({ key: 'checkout_page', value: false, reason: 'STATIC' });
    expect(engine.evaluate('checkout_page', {}, { environment: 'development' })).toMatchObject({ value: true, reason: 'STATIC' });
    expect(engine.evaluate('checkout_page', {}, { environment: 'staging' })).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect(engine.evaluate('with_default', {}, { environment: 'anything' })).toMatchObject({ value: true, reason: 'STATIC' });
    expect(engine.evaluate('plain')).toEqual({ key: 'plain', value: 'fallback', reason: 'DEFAULT', metadata: {} });
  });

  it('reports unknown flags, bad contexts and type mismatches without throwing', () => {
    const engine = createEngine();
    engine.load({ definitions: [{ key: 'color', type: 'string', fallbackValue: 'blue' }] });
    expect(engine.evaluate('missing')).toMatchObject({ value: undefined, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', errorMessage: 'flag "missing" not found' });
    expect(engine.boolean('missing', true)).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(engine.boolean('color', false)).toMatchObject({ value: false, reason: 'ERROR', errorCode: 'TYPE_MISMATCH', errorMessage: 'flag "color" is a string flag, not boolean' });
    expect(engine.string('color', 'red')).toMatchObject({ value: 'blue', reason: 'DEFAULT' });
    expect(engine.number('color', 3).errorCode).toBe('TYPE_MISMATCH');
    expect(engine.object('color', {}).errorCode).toBe('TYPE_MISMATCH');
    expect(engine.evaluate('color', 'nope' as never)).toMatchObject({ reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
    expect(engine.evaluate('color', null as never)).toMatchObject({ value: 'blue' });
    expect(engine.evaluateAll([] as never)[0]).toMatchObject({ errorCode: 'INVALID_CONTEXT', value: 'blue' });
  });

  it('serves the fallback of a disabled flag with reason DISABLED', () => {
    const engine = createEngine();
    engine.load({ definitions: [bool('off', { enabled: false, defaultRule: { type: 'static', value: true } })] });
    expect(engine.evaluate('off')).toMatchObject({ value: false, reason: 'DISABLED' });
  });

  it('returns the same frozen result object for decided values (no allocation on the hot path)', () => {
    const engine = createEngine();
    engine.load({ definitions: [bool('on', { defaultRule: { type: 'static', value: true } })] });
    const a = engine.evaluate('on', { targetingKey: 'a' });
    expect(engine.evaluate('on', { targetingKey: 'b' })).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('evaluates all flags in definition order, in another environment too', () => {
    const engine = createEngine({ environment: 'dev' });
    engine.load({
      definitions: [
        bool('a', { environments: { dev: { type: 'static', value: true } } }),
        { key: 'b', type: 'number', fallbackValue: 1, environments: { prod: { type: 'static', value: 2 } } },
      ],
    });
    expect(engine.evaluateAll().map((r) => [r.key, r.value])).toEqual([['a', true], ['b', 1]]);
    expect(engine.evaluateAll({}, { environment: 'prod' }).map((r) => r.value)).toEqual([false, 2]);
  });

  it('includes the flag set and primitive metadata in results', () => {
    const engine = createEngine();
    engine.load({ definitions: [bool('m', { flagSet: 'ab-tests', metadata: { owner: 'growth', jira: 12, nested: { no: true } } })] });
    expect(engine.evaluate('m').metadata).toEqual({ flagSet: 'ab-tests', owner: 'growth', jira: 12 });
  });
});

describe('Engine: targeting', () => {
  const definition: FlagDefinition = {
    key: 'pricing',
    type: 'string',
    fallbackValue: 'standard',
    defaultRule: {
      type: 'targeting',
      rules: [
        {
          name: 'north-america-pro',
          when: { all: [{ attribute: 'country', operator: 'in', value: ['US', 'CA', 'MX'] }, { attribute: 'plan', operator: 'eq', value: 'pro' }, { attribute: 'age', operator: 'gte', value: 18 }] },
          serve: { type: 'static', value: 'premium' },
        },
        { when: { any: [{ attribute: 'email', operator: 'ends_with', value: '@corp.com' }, { attribute: 'beta', operator: 'eq', value: true }] }, serve: { type: 'static', value: 'internal' } },
      ],
      otherwise: { type: 'static', value: 'basic' },
    },
  };
  const engine = createEngine();
  engine.load({ definitions: [definition] });

  it('serves the first matching rule and names it', () => {
    expect(engine.evaluate('pricing', { country: 'CA', plan: 'pro', age: 30 })).toMatchObject({ value: 'premium', reason: 'TARGETING_MATCH', metadata: { rule: 'north-america-pro' } });
    expect(engine.evaluate('pricing', { country: 'FR', email: 'x@corp.com' })).toMatchObject({ value: 'internal', reason: 'TARGETING_MATCH', metadata: { rule: 1 } });
  });

  it('falls back to otherwise, and treats missing attributes as no match', () => {
    expect(engine.evaluate('pricing', { country: 'CA', plan: 'pro', age: 17 })).toMatchObject({ value: 'basic', reason: 'STATIC' });
    expect(engine.evaluate('pricing', { country: 'CA', plan: 'pro' })).toMatchObject({ value: 'basic' });
    expect(engine.evaluate('pricing', { beta: true }).value).toBe('internal');
  });

  it('`not` inverts the whole inner condition, so it holds when the inner one cannot match', () => {
    const e = createEngine();
    e.load({ definitions: [bool('not-beta', { defaultRule: { type: 'targeting', rules: [{ when: { not: { attribute: 'beta', operator: 'eq', value: true } }, serve: { type: 'static', value: true } }] } })] });
    expect(e.evaluate('not-beta', { beta: true }).value).toBe(false);
    expect(e.evaluate('not-beta', { beta: false }).value).toBe(true);
    expect(e.evaluate('not-beta', {}).value).toBe(true);
  });

  it('reads nested attributes by dotted path', () => {
    const e = createEngine();
    e.load({ definitions: [bool('nested', { defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'user.country', operator: 'eq', value: 'DE' }, serve: { type: 'static', value: true } }] } })] });
    expect(e.evaluate('nested', { user: { country: 'DE' } }).value).toBe(true);
    expect(e.evaluate('nested', { 'user.country': 'DE' }).value).toBe(true);
    expect(e.evaluate('nested', { user: 'DE' }).value).toBe(false);
  });

  it('negate inverts comparable values but never matches a missing attribute', () => {
    const e = createEngine();
    e.load({ definitions: [bool('neg', { defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'country', operator: 'in', value: ['US'], negate: true }, serve: { type: 'static', value: true } }] } })] });
    expect(e.evaluate('neg', { country: 'FR' }).value).toBe(true);
    expect(e.evaluate('neg', { country: 'US' }).value).toBe(false);
    expect(e.evaluate('neg', {}).value).toBe(false);
    expect(e.evaluate('neg', { country: { x: 1 } }).value).toBe(false);
  });
});

describe('Engine: splits and rollouts', () => {
  const engine = createEngine();
  engine.load({
    definitions: [
      { key: 'button', type: 'string', fallbackValue: 'a', defaultRule: { type: 'variant', variants: [{ value: 'a', weight: 50 }, { value: 'b', weight: 50, name: 'blue' }] } },
      bool('rollout', { defaultRule: { type: 'rollout', percentage: 25, value: true } }),
      bool('by-company', { defaultRule: { type: 'rollout', percentage: 50, value: true, stickiness: 'companyId' } }),
    ],
  });

  it('is sticky per targetingKey and reports the variant', () => {
    const first = engine.evaluate('button', { targetingKey: 'user-42' });
    expect(first.reason).toBe('SPLIT');
    expect(['a', 'blue']).toContain(first.variant);
    for (let i = 0; i < 5; i++) expect(engine.evaluate('button', { targetingKey: 'user-42', other: i })).toBe(first);
  });

  it('needs a unit: TARGETING_KEY_MISSING without targetingKey, INVALID_CONTEXT without a custom attribute', () => {
    expect(engine.evaluate('button', {})).toMatchObject({ value: 'a', reason: 'ERROR', errorCode: 'TARGETING_KEY_MISSING' });
    expect(engine.evaluate('by-company', { targetingKey: 'x' })).toMatchObject({ value: false, errorCode: 'INVALID_CONTEXT' });
    const byCompany = engine.evaluate('by-company', { companyId: 12 });
    expect(byCompany.errorCode).toBeUndefined();
    expect(engine.evaluate('by-company', { companyId: '12', targetingKey: 'other' })).toBe(byCompany);
  });

  it('serves a rollout to about its percentage and the rest fall through', () => {
    let on = 0;
    for (let i = 0; i < 20_000; i++) {
      const r = engine.evaluate('rollout', { targetingKey: `u${i}` });
      if (r.value === true) {
        on++;
        expect(r.reason).toBe('SPLIT');
      } else expect(r.reason).toBe('DEFAULT');
    }
    expect(on / 20_000).toBeGreaterThan(0.24);
    expect(on / 20_000).toBeLessThan(0.26);
  });
});

describe('Engine: schedules', () => {
  const at = (iso: string) => () => Date.parse(iso);

  it('is true inside any window, inclusive at the precision written (Featuris dates)', () => {
    const def = bool('christmas', {
      defaultRule: { type: 'schedule', windows: [{ from: '2017-12-25 00:00:00', to: '2018-01-05 23:59:59' }, { from: '2018-03-01 00:00:00', to: '2018-03-31 23:59:59' }] },
    });
    const cases: [string, boolean][] = [
      ['2017-12-24T23:59:59.999Z', false],
      ['2017-12-25T00:00:00.000Z', true],
      ['2018-01-05T23:59:59.999Z', true],
      ['2018-01-06T00:00:00.000Z', false],
      ['2018-03-15T12:00:00.000Z', true],
    ];
    for (const [now, expected] of cases) {
      const e = createEngine({ clock: at(now) });
      e.load({ definitions: [def] });
      expect(e.evaluate('christmas'), now).toMatchObject({ value: expected, reason: 'SCHEDULE' });
    }
  });

  it('reads wall-clock dates in the rule time zone, across DST changes', () => {
    const def = bool('berlin', {
      defaultRule: { type: 'schedule', timezone: 'Europe/Berlin', windows: [{ from: '2024-03-31 02:30:00', to: '2024-10-27 02:30:00' }] },
    });
    // 02:30 does not exist on 2024-03-31 in Berlin (clocks jump 02:00 → 03:00): it is read with the
    // offset in force before the jump (+01:00), i.e. 01:30Z, which is 03:30 on the wall clock.
    const check = (now: string, expected: boolean) => {
      const e = createEngine({ clock: at(now) });
      e.load({ definitions: [def] });
      expect(e.evaluate('berlin').value, now).toBe(expected);
    };
    check('2024-03-31T01:29:59.999Z', false);
    check('2024-03-31T01:30:00.000Z', true);
    // 02:30 on 2024-10-27 happens twice; the second one (after clocks go back, 01:30Z) is used, and the
    // end covers that whole second.
    check('2024-10-27T00:30:00.000Z', true);
    check('2024-10-27T01:30:00.999Z', true);
    check('2024-10-27T01:30:01.000Z', false);
  });

  it('serves value/otherwise for non-boolean flags and open-ended windows', () => {
    const e = createEngine({ clock: at('2030-01-01T00:00:00Z') });
    e.load({
      definitions: [
        { key: 'banner', type: 'string', fallbackValue: 'none', defaultRule: { type: 'schedule', windows: [{ from: '2029-01-01T00:00:00Z' }], value: 'sale', otherwise: { type: 'static', value: 'regular' } } },
        { key: 'old', type: 'string', fallbackValue: 'none', defaultRule: { type: 'schedule', windows: [{ to: '2020-01-01' }], value: 'legacy' } },
      ],
    });
    expect(e.evaluate('banner').value).toBe('sale');
    expect(e.evaluate('old')).toMatchObject({ value: 'none', reason: 'DEFAULT' });
  });
});

describe('Engine: prerequisites', () => {
  it('applies a flag only when its prerequisites have the required values', () => {
    const engine = createEngine();
    engine.load({
      definitions: [
        bool('payments-v2', { defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'plan', operator: 'eq', value: 'pro' }, serve: { type: 'static', value: true } }] } }),
        { key: 'region', type: 'string', fallbackValue: 'eu', defaultRule: { type: 'static', value: 'us' } },
        bool('checkout-v3', { prerequisites: [{ flag: 'payments-v2' }, { flag: 'region', value: 'us' }], defaultRule: { type: 'static', value: true } }),
        bool('orphan', { prerequisites: [{ flag: 'does-not-exist' }], defaultRule: { type: 'static', value: true } }),
      ],
    });
    expect(engine.evaluate('checkout-v3', { plan: 'pro' })).toMatchObject({ value: true, reason: 'STATIC' });
    expect(engine.evaluate('checkout-v3', { plan: 'free' })).toMatchObject({ value: false, reason: 'PREREQUISITE_FAILED' });
    expect(engine.evaluate('orphan')).toMatchObject({ value: false, reason: 'PREREQUISITE_FAILED' });
  });

  it('refuses prerequisite cycles and keeps the previous snapshot', () => {
    const engine = createEngine();
    engine.load({ definitions: [bool('a')] });
    expect(() => engine.load({ definitions: [bool('a', { prerequisites: [{ flag: 'b' }] }), bool('b', { prerequisites: [{ flag: 'a' }] })] })).toThrow(/prerequisite cycle: a → b → a/);
    expect(engine.keys()).toEqual(['a']);
    expect(() => engine.upsert([bool('a', { prerequisites: [{ flag: 'a' }] })])).toThrow(ValidationError);
  });
});

describe('Engine: acceptance', () => {
  it('asks the registered source, caches the answer and reports the change', async () => {
    const states = new Map([['1', 'delivered'], ['2', 'started']]);
    let calls = 0;
    let now = 0;
    const engine = createEngine({
      clock: () => now,
      acceptanceTtlMs: 1000,
      acceptanceSources: {
        pivotal: {
          async states(items) {
            calls++;
            return items.map((i) => states.get(JSON.stringify(i.storyId)));
          },
        },
      },
    });
    engine.load({ definitions: [bool('release', { defaultRule: { type: 'acceptance', source: 'pivotal', state: 'delivered', items: [{ projectId: 1, storyId: 1 }, { projectId: 1, storyId: 2 }] } })] });
    const changes: string[][] = [];
    engine.onChange((c) => changes.push(c.keys));
    expect(engine.evaluate('release').value).toBe(false); // unknown yet: fail closed
    await engine.refreshAcceptance();
    expect(engine.evaluate('release')).toMatchObject({ value: false, reason: 'DEFAULT' });
    states.set('2', 'delivered');
    engine.evaluate('release'); // fresh: no refresh
    expect(calls).toBe(1);
    now = 1000;
    engine.evaluate('release'); // stale: refresh in the background
    await engine.refreshAcceptance();
    expect(engine.evaluate('release')).toMatchObject({ value: true, reason: 'TARGETING_MATCH', metadata: { acceptance: 'pivotal' } });
    expect(changes).toContainEqual(['release']);
  });

  it('serves "not accepted" with reason DISABLED_INTEGRATION when the source is not configured', () => {
    const engine = createEngine();
    engine.load({
      definitions: [
        bool('release', { defaultRule: { type: 'acceptance', source: 'pivotal', state: 'delivered', items: [{ projectId: 1, storyId: 2 }] } }),
        { key: 'label', type: 'string', fallbackValue: 'old', defaultRule: { type: 'acceptance', source: 'pivotal', state: 'delivered', items: [{ storyId: 2 }], value: 'new' } },
      ],
    });
    expect(engine.hasAcceptanceSource('pivotal')).toBe(false);
    expect(engine.evaluate('release')).toMatchObject({
      value: false,
      reason: 'DISABLED_INTEGRATION',
      metadata: { acceptance: 'pivotal', acceptanceDetail: expect.stringMatching(/acceptance source "pivotal" is not configured/) },
    });
    expect(engine.evaluate('label')).toMatchObject({ value: 'old', reason: 'DISABLED_INTEGRATION' });
  });

  it('refreshes each source after its own ttlMs', async () => {
    let now = 0;
    const calls = { slow: 0, fast: 0 };
    const source = (name: 'slow' | 'fast', ttlMs: number) => ({ ttlMs, states: async (items: readonly unknown[]) => (calls[name]++, items.map(() => 'done')) });
    const engine = createEngine({ clock: () => now, acceptanceTtlMs: 1000, acceptanceSources: { slow: source('slow', 10_000), fast: source('fast', 100) } });
    engine.load({
      definitions: [
        bool('a', { defaultRule: { type: 'acceptance', source: 'slow', state: 'done', items: [{ id: 1 }] } }),
        bool('b', { defaultRule: { type: 'acceptance', source: 'fast', state: 'done', items: [{ id: 1 }] } }),
      ],
    });
    engine.evaluate('a');
    engine.evaluate('b');
    await engine.refreshAcceptance(); // the refreshes the first evaluations started
    expect(calls).toEqual({ slow: 1, fast: 1 });
    expect(engine.evaluate('a')).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    now = 500;
    engine.evaluate('a');
    engine.evaluate('b');
    // A stale answer starts its refresh during the evaluation; a fresh one does not.
    expect(calls).toEqual({ slow: 1, fast: 2 });
  });

  it('treats an unregistered or failing source as not accepted', async () => {
    const engine = createEngine({ acceptanceSources: { broken: { states: async () => { throw new Error('down'); } } } });
    engine.load({
      definitions: [
        bool('unknown-source', { defaultRule: { type: 'acceptance', source: 'jira', state: 'done', items: [{ id: 1 }] } }),
        bool('broken-source', { defaultRule: { type: 'acceptance', source: 'broken', state: 'done', items: [{ id: 1 }] } }),
      ],
    });
    await engine.refreshAcceptance();
    expect(engine.evaluate('unknown-source').value).toBe(false);
    expect(engine.evaluate('broken-source').value).toBe(false);
  });
});

describe('Engine: snapshots and changes', () => {
  it('rejects an invalid load as a whole, listing every problem, and keeps serving the old snapshot', () => {
    const engine = createEngine();
    engine.load({ definitions: [bool('keep', { defaultRule: { type: 'static', value: true } })] });
    let error: unknown;
    try {
      engine.load({
        definitions: [
          { key: 'bad split', type: 'string', fallbackValue: 'a', defaultRule: { type: 'variant', variants: [{ value: 'a', weight: 50 }, { value: 'b', weight: 49.5 }] } },
          { key: 'typed', type: 'number', fallbackValue: 'one' },
        ],
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const messages = (error as ValidationError).issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('0.key: must be 1 to 256 letters, digits or _ - . / :');
    expect(messages).toContain('0.defaultRule.variants: weights sum to 99.5, must be 100');
    expect(messages).toContain('1.fallbackValue: value "one" has invalid type string, must be number');
    expect(engine.evaluate('keep').value).toBe(true);
  });

  it('upserts, removes and sets values with change events', () => {
    const engine = createEngine();
    const seen: string[][] = [];
    const causes: string[] = [];
    engine.onChange((c) => {
      seen.push(c.keys);
      causes.push(c.cause);
    });
    engine.onChange(() => {
      throw new Error('listener failures are contained');
    });
    engine.load({ definitions: [bool('a'), bool('b')] });
    engine.upsert([bool('b', { defaultRule: { type: 'static', value: true } })]);
    expect(engine.evaluate('b').value).toBe(true);
    engine.setValues('a', { rootValue: true });
    expect(engine.evaluate('a')).toMatchObject({ value: true, reason: 'STATIC', metadata: { scope: '//' } });
    engine.remove(['b']);
    expect(engine.evaluate('b').errorCode).toBe('FLAG_NOT_FOUND');
    expect(seen).toEqual([['a', 'b'], ['b'], ['a'], ['b']]);
    expect(causes).toEqual(['load', 'definitions', 'values', 'definitions']);
  });
});
