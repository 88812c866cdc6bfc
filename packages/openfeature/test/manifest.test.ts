import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus, StandardResolutionReasons, type Client } from '@openfeature/server-sdk';
import { ValidationError } from '@switchyard/core';
import { SwitchyardProvider } from '../src/index';
import { attach, tempDir, until, writeAtomic } from './helpers';

const MANIFEST = `switchyard: 1
flags:
  dark-mode:
    fallback: false
    defaultRule: true
    metadata: { owner: web-team }
  banner:
    fallback: plain
    environments:
      production: { type: static, value: prod-banner, variant: prod }
    defaultRule:
      type: variant
      variants:
        - { value: A, weight: 50, name: alpha }
        - { value: B, weight: 50, name: beta }
  max-items:
    type: number
    fallback: 10
    defaultRule: 25
    values:
      scoped:
        - scope: { tenant: wholesale }
          value: 1000
  theme:
    type: object
    fallback: { color: grey }
    defaultRule: { type: static, value: { color: blue } }
  premium:
    fallback: false
    prerequisites: [{ flag: dark-mode, value: false }]
    defaultRule: true
  retired:
    fallback: false
    enabled: false
    defaultRule: true
`;

let temp: ReturnType<typeof tempDir>;
let provider: SwitchyardProvider;
let client: Client;
let events: Awaited<ReturnType<typeof attach>>['events'];
let domain: string;

beforeAll(async () => {
  temp = tempDir();
  writeFileSync(path.join(temp.dir, 'web.yaml'), MANIFEST);
  provider = new SwitchyardProvider({ manifests: temp.dir, debounceMs: 20 });
  ({ client, events, domain } = await attach(provider));
});
afterAll(async () => {
  await OpenFeature.clearProviders();
  temp.remove();
});

describe('SwitchyardProvider with a manifest directory', () => {
  it('is ready after setProviderAndWait', () => {
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(client.metadata.providerMetadata.name).toBe('switchyard');
  });

  it('resolves every type with values, variants, reasons and flag metadata', async () => {
    expect(await client.getBooleanDetails('dark-mode', false)).toEqual({
      flagKey: 'dark-mode',
      value: true,
      reason: StandardResolutionReasons.STATIC,
      flagMetadata: { flagSet: 'web', owner: 'web-team' },
    });
    const split = await client.getStringDetails('banner', 'x', { targetingKey: 'user-7' });
    expect(split.reason).toBe(StandardResolutionReasons.SPLIT);
    expect(split.variant).toBe(split.value === 'A' ? 'alpha' : 'beta');
    // Sticky: the same unit gets the same variant.
    expect((await client.getStringDetails('banner', 'x', { targetingKey: 'user-7' })).value).toBe(split.value);
    expect(await client.getNumberValue('max-items', 0)).toBe(25);
    expect(await client.getObjectValue('theme', { color: 'none' })).toEqual({ color: 'blue' });
    expect(await client.getBooleanDetails('retired', true)).toMatchObject({ value: false, reason: StandardResolutionReasons.DISABLED });
  });

  it('maps Switchyard-only reasons to standard ones and keeps the original in metadata', async () => {
    expect(await client.getNumberDetails('max-items', 0, { tenant: 'wholesale' })).toMatchObject({
      value: 1000,
      reason: StandardResolutionReasons.TARGETING_MATCH,
      flagMetadata: { flagSet: 'web', scope: 'tenant::wholesale', switchyardReason: 'SCOPED' },
    });
    expect(await client.getBooleanDetails('premium', true)).toMatchObject({
      value: false,
      reason: StandardResolutionReasons.DEFAULT,
      flagMetadata: { switchyardReason: 'PREREQUISITE_FAILED' },
    });
  });

  it('selects the environment from the context attribute', async () => {
    expect(await client.getStringDetails('banner', 'x', { environment: 'production' })).toMatchObject({ value: 'prod-banner', variant: 'prod', reason: 'STATIC' });
  });

  it('returns the default with OpenFeature error codes and never throws', async () => {
    expect(await client.getBooleanDetails('missing', true)).toMatchObject({
      value: true,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      errorMessage: 'flag "missing" not found',
    });
    expect(await client.getStringDetails('dark-mode', 'fallback')).toMatchObject({
      value: 'fallback',
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(await client.getNumberDetails('theme', 3)).toMatchObject({ value: 3, errorCode: ErrorCode.TYPE_MISMATCH });
    expect(await client.getObjectDetails('dark-mode', { a: 1 })).toMatchObject({ value: { a: 1 }, errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('emits PROVIDER_CONFIGURATION_CHANGED with the changed keys when a file changes', async () => {
    const before = events.length;
    await writeAtomic(path.join(temp.dir, 'web.yaml'), MANIFEST.replace('defaultRule: 25', 'defaultRule: 30'));
    await until(() => events.length > before, 10_000, 'configuration change');
    expect(events.slice(before)).toMatchObject([{ type: ProviderEvents.ConfigurationChanged, flagsChanged: ['max-items'] }]);
    expect(await client.getNumberValue('max-items', 0)).toBe(30);

    // A new file adds its flags.
    const mark = events.length;
    await writeAtomic(path.join(temp.dir, 'extra.json'), JSON.stringify({ switchyard: 1, flags: { 'extra-flag': { fallback: 'on' } } }));
    await until(() => events.length > mark, 10_000, 'new file');
    expect(events.slice(mark)).toMatchObject([{ type: ProviderEvents.ConfigurationChanged, flagsChanged: ['extra-flag'] }]);
    expect(await client.getStringValue('extra-flag', 'x')).toBe('on');
  });

  it('reports an invalid edit with PROVIDER_ERROR, keeps serving, and recovers with PROVIDER_READY', async () => {
    const before = events.length;
    await writeAtomic(path.join(temp.dir, 'web.yaml'), MANIFEST.replace('fallback: false\n    defaultRule: true\n    metadata', 'fallback: 12\n    type: boolean\n    defaultRule: true\n    metadata'));
    await until(() => events.length > before, 10_000, 'error event');
    expect(events.slice(before).map((e) => e.type)).toEqual([ProviderEvents.Error]);
    expect(events[before]!.type).toBe(ProviderEvents.Error);
    expect(events[before]!.message).toContain('the last valid set stays in force');
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    expect(await client.getBooleanValue('dark-mode', false)).toBe(true);

    await writeAtomic(path.join(temp.dir, 'web.yaml'), MANIFEST.replace('defaultRule: true\n    metadata', 'defaultRule: false\n    metadata'));
    await until(() => events.length >= before + 3, 10_000, 'recovery');
    expect(events.slice(before + 1).map((e) => e.type).sort()).toEqual([ProviderEvents.ConfigurationChanged, ProviderEvents.Ready].sort());
    expect(events.find((e, i) => i > before && e.type === ProviderEvents.ConfigurationChanged)!.flagsChanged!.sort()).toEqual(['dark-mode', 'max-items']);
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(await client.getBooleanValue('dark-mode', true)).toBe(false);
  });

  it('stops following files after close', async () => {
    const own = tempDir();
    writeFileSync(path.join(own.dir, 'a.yaml'), 'switchyard: 1\nflags:\n  a: { fallback: 1 }\n');
    const p = new SwitchyardProvider({ manifests: own.dir, debounceMs: 10 });
    const { events: seen, domain: d } = await attach(p);
    await OpenFeature.setProviderAndWait(d, new SwitchyardProvider({ manifests: temp.dir }));
    await until(() => p.engine.keys().length === 1);
    // Replacing the provider closed the old one: file edits no longer reach it.
    const count = seen.length;
    await writeAtomic(path.join(own.dir, 'a.yaml'), 'switchyard: 1\nflags:\n  a: { fallback: 2 }\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(p.engine.evaluate('a').value).toBe(1);
    expect(seen.slice(count).filter((e) => e.type === ProviderEvents.ConfigurationChanged && e.flagsChanged?.includes('a'))).toEqual([]);
    own.remove();
  });

  it('fails initialization with PROVIDER_ERROR for an invalid manifest directory', async () => {
    const bad = tempDir();
    writeFileSync(path.join(bad.dir, 'bad.yaml'), 'switchyard: 1\nflags:\n  x: { fallback: 1, type: boolean }\n');
    const p = new SwitchyardProvider({ manifests: bad.dir });
    await expect(OpenFeature.setProviderAndWait(`${domain}-bad`, p)).rejects.toThrow(/manifests in .* are invalid/);
    expect(OpenFeature.getClient(`${domain}-bad`).providerStatus).toBe(ProviderStatus.ERROR);
    bad.remove();
  });

  it('refuses options without exactly one source', () => {
    expect(() => new SwitchyardProvider({})).toThrow(ValidationError);
    expect(() => new SwitchyardProvider({})).toThrow('a Switchyard provider needs a source');
    expect(() => new SwitchyardProvider({ manifests: '.', server: 'http://127.0.0.1:1' })).toThrow('choose one source: server, source, or manifests and/or store');
  });
});
