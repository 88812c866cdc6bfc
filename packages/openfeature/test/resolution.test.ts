import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, OpenFeature, ProviderEvents, StandardResolutionReasons, type Client } from '@openfeature/server-sdk';
import type { Engine, FlagDefinition, Reason } from '@switchyard/core';
import { createEngine } from '@switchyard/core';
import { ChangeDetector, ERROR_CODE_MAP, REASON_MAP, SwitchyardProvider, toResolution, type FlagSource } from '../src/index';
import { attach, until } from './helpers';
import { runs } from '../../../tooling/testing/property.ts';

const DEFINITIONS: FlagDefinition[] = [
  { key: 'b', type: 'boolean', fallbackValue: false, defaultRule: { type: 'rollout', percentage: 50, value: true } },
  { key: 's', type: 'string', fallbackValue: 'x', defaultRule: { type: 'variant', variants: [{ value: 'p', weight: 30 }, { value: 'q', weight: 70 }] } },
  { key: 'n', type: 'number', fallbackValue: 1, defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'age', operator: 'gte', value: 18 }, serve: { type: 'static', value: 2 } }] } },
  { key: 'o', type: 'object', fallbackValue: { a: 1 } },
  { key: 'w', type: 'boolean', fallbackValue: false, defaultRule: { type: 'schedule', windows: [{ from: '2000-01-01T00:00:00Z' }] } },
];

/** A source that loads a fixed snapshot: the `source` option with a custom implementation. */
const fixed: FlagSource = {
  description: 'fixed',
  start: async (engine) => {
    engine.load({ definitions: DEFINITIONS });
    return { stale: false };
  },
  close: async () => undefined,
};

let client: Client;
beforeAll(async () => {
  ({ client } = await attach(new SwitchyardProvider({ source: fixed })));
});
afterAll(async () => {
  await OpenFeature.clearProviders();
});

const STANDARD = new Set<string>(Object.values(StandardResolutionReasons));

describe('reason and error code mapping', () => {
  it('maps every Switchyard reason to a standard OpenFeature reason', () => {
    for (const [reason, mapped] of Object.entries(REASON_MAP)) expect(STANDARD.has(mapped), reason).toBe(true);
    expect(REASON_MAP.SCHEDULE).toBe('TARGETING_MATCH');
    expect(REASON_MAP.SCOPED).toBe('TARGETING_MATCH');
    expect(REASON_MAP.PREREQUISITE_FAILED).toBe('DEFAULT');
    expect(Object.values(ERROR_CODE_MAP).sort()).toEqual(Object.values(ErrorCode).filter((c) => !c.startsWith('PROVIDER_')).sort());
  });

  it('keeps the original reason in frozen, reused metadata', () => {
    const details = { key: 'k', value: true, reason: 'SCHEDULE' as Reason, metadata: Object.freeze({ flagSet: 'x' }) };
    const first = toResolution(details);
    expect(first).toEqual({ value: true, reason: 'TARGETING_MATCH', flagMetadata: { flagSet: 'x', switchyardReason: 'SCHEDULE' } });
    expect(toResolution(details).flagMetadata).toBe(first.flagMetadata);
    expect(Object.isFrozen(first.flagMetadata)).toBe(true);
    const plain = { key: 'k', value: 1, reason: 'STATIC' as Reason, metadata: Object.freeze({}) };
    expect(toResolution(plain).flagMetadata).toBe(plain.metadata);
  });

  it('reports schedules as TARGETING_MATCH through the SDK', async () => {
    expect(await client.getBooleanDetails('w', false)).toMatchObject({ value: true, reason: 'TARGETING_MATCH', flagMetadata: { switchyardReason: 'SCHEDULE' } });
  });
});

describe('OpenFeature provider expectations', () => {
  const contextValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.date({ noInvalidDate: true }), fc.array(fc.string(), { maxLength: 3 }));
  const context = fc.record(
    { targetingKey: fc.string(), age: fc.oneof(fc.integer({ min: 0, max: 99 }), fc.string()), environment: fc.oneof(fc.constant('production'), fc.string()), extra: fc.dictionary(fc.string(), contextValue) },
    { requiredKeys: [], noNullPrototype: true },
  );
  const key = fc.oneof(fc.constantFrom('b', 's', 'n', 'o', 'w', 'missing'), fc.string());
  const defaults = fc.oneof(fc.boolean(), fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant({ d: true }));

  it('never rejects, always answers with the requested type, and serves the default on every error', async () => {
    await fc.assert(
      fc.asyncProperty(key, defaults, context, async (flagKey, defaultValue, ctx) => {
        const details =
          typeof defaultValue === 'boolean'
            ? await client.getBooleanDetails(flagKey, defaultValue, ctx)
            : typeof defaultValue === 'string'
              ? await client.getStringDetails(flagKey, defaultValue, ctx)
              : typeof defaultValue === 'number'
                ? await client.getNumberDetails(flagKey, defaultValue, ctx)
                : await client.getObjectDetails(flagKey, defaultValue, ctx);
        expect(typeof details.value).toBe(typeof defaultValue);
        expect(STANDARD.has(details.reason!)).toBe(true);
        if (details.errorCode !== undefined) {
          expect(details.value).toEqual(defaultValue);
          expect(details.reason).toBe('ERROR');
          expect(Object.values(ErrorCode)).toContain(details.errorCode);
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it('is deterministic for a unit (sticky splits)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), async (unit) => {
        const a = await client.getStringDetails('s', 'z', { targetingKey: unit });
        const b = await client.getStringDetails('s', 'z', { targetingKey: unit });
        expect(b).toEqual(a);
        expect(a.reason).toBe('SPLIT');
        expect(a.variant).toBe(a.value);
      }),
      { numRuns: runs(100) },
    );
  });
});

describe('ChangeDetector', () => {
  const setup = (): { engine: Engine; seen: string[][]; detector: ChangeDetector } => {
    const engine = createEngine();
    engine.load({ definitions: DEFINITIONS });
    const seen: string[][] = [];
    return { engine, seen, detector: new ChangeDetector(engine, (keys) => seen.push(keys)) };
  };

  it('narrows a full reload to the keys that changed, and reports nothing for an identical one', () => {
    const { engine, seen } = setup();
    engine.load({ definitions: DEFINITIONS });
    expect(seen).toEqual([]);
    engine.load({ definitions: [...DEFINITIONS.slice(1), { ...DEFINITIONS[0]!, enabled: false }], values: { o: { rootValue: { a: 2 } } } });
    expect(seen).toEqual([['b', 'o']]);
    engine.load({ definitions: DEFINITIONS.slice(2) });
    expect(seen.at(-1)!.sort()).toEqual(['b', 'o', 's']);
  });

  it('passes on targeted notifications for defined keys, not for keys without a definition', async () => {
    let answer = 'started';
    const engine = createEngine({ acceptanceSources: { tracker: { states: async (items) => items.map(() => answer) } } });
    engine.load({
      definitions: [...DEFINITIONS, { key: 'acc', type: 'boolean', fallbackValue: false, defaultRule: { type: 'acceptance', source: 'tracker', state: 'delivered', items: [{ id: 1 }] } }],
    });
    await engine.refreshAcceptance();
    const seen: string[][] = [];
    new ChangeDetector(engine, (keys) => seen.push(keys));
    answer = 'delivered';
    await engine.refreshAcceptance();
    await until(() => seen.length > 0, 10_000, 'acceptance change');
    expect(seen).toEqual([['acc']]);
    expect(engine.evaluate('acc').value).toBe(true);
    engine.setValues('gone', { rootValue: true });
    expect(seen).toEqual([['acc']]);
  });

  it('stops after stop()', () => {
    const { engine, seen, detector } = setup();
    detector.stop();
    engine.upsert([{ key: 'new', type: 'boolean', fallbackValue: true }]);
    expect(seen).toEqual([]);
  });
});

describe('provider events from a custom source', () => {
  it('maps stale, error and recovered signals to PROVIDER_STALE, PROVIDER_ERROR and PROVIDER_READY', async () => {
    let signals: Parameters<FlagSource['start']>[1] | undefined;
    const source: FlagSource = {
      description: 'manual',
      start: async (engine, s) => {
        signals = s;
        engine.load({ definitions: DEFINITIONS });
        return { stale: false };
      },
      close: async () => undefined,
    };
    const { events, client: c } = await attach(new SwitchyardProvider({ source }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const mark = events.length;
    signals!.stale('lost it');
    signals!.stale('still lost');
    signals!.recovered();
    signals!.recovered();
    signals!.error('broken input');
    signals!.recovered();
    await until(() => events.length >= mark + 4, 10_000, 'events');
    expect(events.slice(mark).map((e) => [e.type, e.message])).toEqual([
      [ProviderEvents.Stale, 'lost it'],
      [ProviderEvents.Ready, undefined],
      [ProviderEvents.Error, 'broken input'],
      [ProviderEvents.Ready, undefined],
    ]);
    expect(await c.getBooleanValue('w', false)).toBe(true);
  });
});
