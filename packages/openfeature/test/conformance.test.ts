import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus, StandardResolutionReasons, type Hook } from '@openfeature/server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SwitchyardProvider, type TrackingEvent } from '../src/index';
import { attach, tempDir, until, writeAtomic } from './helpers';

/** The server-SDK provider expectations (OpenFeature specification, sections 2 to 6), end to end through the SDK. */
let temp: ReturnType<typeof tempDir>;
const manifest = (welcome: string) =>
  [
    'switchyard: 1',
    'flags:',
    '  checkout:',
    '    fallback: false',
    '    metadata: { owner: payments }',
    '    defaultRule:',
    '      type: targeting',
    '      rules: [{ name: staff, when: { attribute: email, operator: ends_with, value: "@corp.example" }, serve: true }]',
    '  welcome:',
    `    fallback: ${welcome}`,
    '  limits:',
    '    fallback: { max: 3 }',
    '  split:',
    '    fallback: a',
    '    defaultRule: { type: variant, variants: [{ value: a, weight: 50 }, { value: b, weight: 50 }] }',
    '',
  ].join('\n');

beforeAll(() => {
  temp = tempDir('sy-conf-');
  writeFileSync(path.join(temp.dir, 'flags.yaml'), manifest('hello'));
  writeFileSync(path.join(temp.dir, 'legacy.json'), JSON.stringify({ flags: { old: { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on', metadata: { since: 2021 } } } }));
});
afterEach(async () => {
  await OpenFeature.clearProviders();
  OpenFeature.clearHooks();
});
afterAll(() => temp.remove());

describe('OpenFeature server provider conformance', () => {
  it('evaluation details: value, variant, standard reasons, flag metadata', async () => {
    const { client } = await attach(new SwitchyardProvider({ manifests: temp.dir, watch: false }));
    const staff = await client.getBooleanDetails('checkout', false, { email: 'ann@corp.example' });
    expect(staff).toMatchObject({ flagKey: 'checkout', value: true, reason: StandardResolutionReasons.TARGETING_MATCH, flagMetadata: { owner: 'payments', flagSet: 'flags', rule: 'staff' } });
    expect(await client.getBooleanDetails('checkout', true, {})).toMatchObject({ value: false, reason: StandardResolutionReasons.DEFAULT });
    expect(await client.getStringDetails('welcome', 'x')).toMatchObject({ value: 'hello', reason: StandardResolutionReasons.DEFAULT });
    expect(await client.getObjectValue('limits', {})).toEqual({ max: 3 });
    const split = await client.getStringDetails('split', 'z', { targetingKey: 'u1' });
    expect(split.reason).toBe(StandardResolutionReasons.SPLIT);
    expect(['a', 'b']).toContain(split.variant);
    expect(await client.getBooleanDetails('old', true)).toMatchObject({ value: true, reason: StandardResolutionReasons.DISABLED, flagMetadata: { since: 2021 } });
  });

  it('error codes with the caller default: FLAG_NOT_FOUND, TYPE_MISMATCH, TARGETING_KEY_MISSING', async () => {
    const { client } = await attach(new SwitchyardProvider({ manifests: temp.dir, watch: false }));
    expect(await client.getBooleanDetails('nope', true)).toMatchObject({ value: true, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.FLAG_NOT_FOUND });
    expect(await client.getNumberDetails('welcome', 7)).toMatchObject({ value: 7, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.TYPE_MISMATCH });
    expect(await client.getStringDetails('split', 'z', {})).toMatchObject({ value: 'z', errorCode: ErrorCode.TARGETING_KEY_MISSING });
  });

  it('hooks run in order around every evaluation, with the details and errors', async () => {
    const calls: string[] = [];
    const hook: Hook = {
      before: (ctx) => void calls.push(`before ${ctx.flagKey}`),
      after: (_ctx, details) => void calls.push(`after ${details.value as string}`),
      error: (_ctx, err) => void calls.push(`error ${(err as Error).message.slice(0, 12)}`),
      finally: (_ctx, details) => void calls.push(`finally ${details.reason}`),
    };
    const { client } = await attach(new SwitchyardProvider({ manifests: temp.dir, watch: false }));
    client.addHooks(hook);
    await client.getStringValue('welcome', 'x');
    await client.getNumberValue('welcome', 1);
    expect(calls).toEqual(['before welcome', 'after hello', 'finally DEFAULT', 'before welcome', 'error flag "welcom', 'finally ERROR']);
  });

  it('events: READY on start, CONFIGURATION_CHANGED with the changed keys, ERROR for an invalid set and READY again', async () => {
    const dir = tempDir('sy-conf-events-');
    try {
      writeFileSync(path.join(dir.dir, 'flags.yaml'), manifest('hello'));
      const { client, events } = await attach(new SwitchyardProvider({ manifests: dir.dir, debounceMs: 20 }));
      expect(client.providerStatus).toBe(ProviderStatus.READY);
      await writeAtomic(path.join(dir.dir, 'flags.yaml'), manifest('howdy'));
      await until(() => events.some((e) => e.type === ProviderEvents.ConfigurationChanged), 10_000, 'CONFIGURATION_CHANGED');
      expect(events.find((e) => e.type === ProviderEvents.ConfigurationChanged)?.flagsChanged).toEqual(['welcome']);
      expect(await client.getStringValue('welcome', 'x')).toBe('howdy');
      await writeAtomic(path.join(dir.dir, 'flags.yaml'), 'switchyard: 1\nflags:\n  welcome:\n    fallback: [unclosed\n');
      await until(() => events.some((e) => e.type === ProviderEvents.Error), 10_000, 'ERROR');
      expect(await client.getStringValue('welcome', 'x')).toBe('howdy');
      await writeAtomic(path.join(dir.dir, 'flags.yaml'), manifest('back'));
      await until(() => events.filter((e) => e.type === ProviderEvents.Ready).length >= 2, 10_000, 'READY again');
    } finally {
      dir.remove();
    }
  });

  it('track() hands events to onTrack; a failing listener is reported, never thrown', async () => {
    const tracked: TrackingEvent[] = [];
    const errors: Error[] = [];
    const provider = new SwitchyardProvider({ manifests: temp.dir, watch: false, onTrack: (e) => tracked.push(e), onError: (e) => errors.push(e) });
    const { client } = await attach(provider);
    client.track('checkout-completed', { targetingKey: 'u1' }, { value: 42, currency: 'EUR' });
    expect(tracked).toEqual([{ name: 'checkout-completed', context: expect.objectContaining({ targetingKey: 'u1' }), details: { value: 42, currency: 'EUR' } }]);
    const failing = new SwitchyardProvider({ manifests: temp.dir, watch: false, onTrack: () => { throw new Error('sink down'); }, onError: (e) => errors.push(e) });
    const second = await attach(failing);
    expect(() => second.client.track('x')).not.toThrow();
    expect(errors.map((e) => e.message)).toEqual(['sink down']);
  });
});
