import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenFeature, ProviderEvents, ProviderStatus, StandardResolutionReasons } from '@openfeature/server-sdk';
import type { FlagDefinition, FlagStore } from '@switchyard/core';
import { openStore } from '@switchyard/stores';
import { serviceUrl, uniqueNamespace } from '@switchyard/store-test-suite';
import { SwitchyardProvider } from '../src/index';
import { attach, tempDir, until } from './helpers';
import { deleteRedisKeys } from '../../../tooling/testing/redis-keys.ts';

const flag = (key: string, value: boolean): FlagDefinition => ({ key, type: 'boolean', fallbackValue: false, defaultRule: { type: 'static', value } });

afterEach(async () => {
  await OpenFeature.clearProviders();
});

/**
 * The shared scenario: `writer`, a second connection, seeds a flag, then the provider `open`
 * returns starts and follows the writer's changes through propagation. Logs how long the first took.
 */
async function followsWrites(label: string, open: () => SwitchyardProvider, writer: FlagStore): Promise<void> {
  await writer.upsertFlag(flag('seeded', true));
  const { client, events } = await attach(open());
  expect(client.providerStatus).toBe(ProviderStatus.READY);
  expect(await client.getBooleanValue('seeded', false)).toBe(true);

  let mark = events.length;
  const start = performance.now();
  await writer.upsertFlag(flag('written', true));
  await until(() => events.length > mark, 10_000, 'change event');
  const elapsed = performance.now() - start;
  expect(events.slice(mark)).toMatchObject([{ type: ProviderEvents.ConfigurationChanged, flagsChanged: ['written'] }]);
  expect(await client.getBooleanValue('written', false)).toBe(true);

  mark = events.length;
  await writer.setValues([{ key: 'written', value: false, scope: { tenant: 'acme' } }]);
  await until(() => events.length > mark, 10_000, 'values event');
  expect(events.slice(mark)).toMatchObject([{ type: ProviderEvents.ConfigurationChanged, flagsChanged: ['written'] }]);
  expect(await client.getBooleanDetails('written', true, { targetingKey: 'u1', tenant: 'acme' })).toMatchObject({
    value: false,
    reason: StandardResolutionReasons.TARGETING_MATCH,
    flagMetadata: { switchyardReason: 'SCOPED', scope: 'tenant::acme' },
  });
  expect(await client.getBooleanValue('written', false, { targetingKey: 'u1', tenant: 'other' })).toBe(true);

  mark = events.length;
  await writer.deleteFlag('written');
  await until(() => events.length > mark, 10_000, 'delete event');
  expect(events.slice(mark)).toMatchObject([{ type: ProviderEvents.ConfigurationChanged, flagsChanged: ['written'] }]);
  expect((await client.getBooleanDetails('written', true)).errorCode).toBe('FLAG_NOT_FOUND');
  console.log(`${label} propagation to the provider: ${elapsed.toFixed(1)} ms`);
}

describe('SwitchyardProvider with a SQLite store', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    temp = tempDir();
  });
  afterAll(() => temp.remove());

  it('follows writes made through another connection', async () => {
    const url = `sqlite:${path.join(temp.dir, 'follow.db')}`;
    const writer = await openStore(url);
    try {
      await followsWrites('sqlite', () => new SwitchyardProvider({ store: url }), writer);
    } finally {
      await writer.close();
    }
  });

  it('merges a manifest directory with the store; manifest flags win', async () => {
    const url = `sqlite:${path.join(temp.dir, 'merge.db')}`;
    const store = await openStore(url);
    await store.upsertFlag(flag('shared', false));
    await store.upsertFlag(flag('stored-only', true));
    writeFileSync(path.join(temp.dir, 'flags.yaml'), 'switchyard: 1\nflags:\n  shared: { fallback: false, defaultRule: true }\n');
    const { client } = await attach(new SwitchyardProvider({ manifests: temp.dir, store, watch: false }));
    expect(await client.getBooleanValue('shared', false)).toBe(true);
    expect(await client.getBooleanValue('stored-only', false)).toBe(true);
    await OpenFeature.clearProviders();
    // A store passed in is the caller's: still open after the provider closed.
    expect((await store.health()).ok).toBe(true);
    await store.close();
  });

  it('emits PROVIDER_STALE when the store is lost, and keeps serving the last snapshot', async () => {
    const store = await openStore(`sqlite:${path.join(temp.dir, 'lost.db')}`);
    await store.upsertFlag(flag('seeded', true));
    const { client, events } = await attach(new SwitchyardProvider({ store, healthCheckMs: 20 }));
    await store.close();
    await until(() => events.some((e) => e.type === ProviderEvents.Stale), 10_000, 'stale');
    expect(events.find((e) => e.type === ProviderEvents.Stale)!.message).toBe('store unavailable: sqlite store is closed');
    expect(client.providerStatus).toBe(ProviderStatus.STALE);
    expect(await client.getBooleanDetails('seeded', false)).toMatchObject({ value: true, reason: 'STATIC' });
  });
});

const redisUrl = await serviceUrl('redis');

describe.skipIf(!redisUrl)('SwitchyardProvider with Redis', () => {
  it('follows writes made by another client through pub/sub', async () => {
    const namespace = uniqueNamespace('sy_of');
    const reader = await openStore(redisUrl!, { namespace });
    const writer = await openStore(redisUrl!, { namespace });
    try {
      await followsWrites('redis', () => new SwitchyardProvider({ store: reader }), writer);
    } finally {
      await OpenFeature.clearProviders();
      // Only this test's own keys: the Redis server is shared.
      await deleteRedisKeys((c) => writer.sendCommand!(c), namespace);
      await reader.close();
      await writer.close();
    }
  });
});
