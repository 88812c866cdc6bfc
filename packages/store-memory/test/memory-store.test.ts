import { describe, expect, test } from 'vitest';
import type { FlagDefinition, StoreChange } from '@switchyard/core';
import { waitFor } from '@switchyard/store-test-suite';
import { createMemoryHub, createMemoryStore, dropMemoryHub, storeFactory } from '../src/index';

const flag = (key: string): FlagDefinition => ({ key, type: 'object', fallbackValue: { colour: 'blue' }, tags: ['a'] });

describe('memory store', () => {
  test('memory: opens a fresh hub every time', async () => {
    const a = await storeFactory(new URL('memory:'));
    const b = await storeFactory(new URL('memory:'));
    await a.upsertFlag(flag('x'));
    expect(await b.getFlag('x')).toBeUndefined();
  });

  test('memory:NAME shares one hub per name across clients, and change events reach the others', async () => {
    const a = await storeFactory(new URL('memory:shared-test'));
    const b = await storeFactory(new URL('memory:shared-test'));
    const other = await storeFactory(new URL('memory:another-name'));
    const seen: StoreChange[] = [];
    b.subscribe((c) => seen.push(c));
    await a.upsertFlag(flag('x'));
    expect((await b.getFlag('x'))?.version).toBe(1);
    expect(await other.getFlag('x')).toBeUndefined();
    await waitFor(() => seen.length === 1, { timeoutMs: 10_000 });
    expect(seen).toEqual([{ kind: 'flags', keys: ['x'], origin: a.clientId }]);
    expect(dropMemoryHub('shared-test')).toBe(true);
    const later = await storeFactory(new URL('memory:shared-test'));
    expect(await later.getFlag('x')).toBeUndefined();
  });

  test('the namespace option names the hub when the URL does not', async () => {
    const a = await storeFactory(new URL('memory:'), { namespace: 'ns-test' });
    const b = createMemoryStore({ hub: 'ns-test' });
    await a.cacheSet('k', 1);
    expect(await b.cacheGet('k')).toBe(1);
  });

  test('a hub object can be shared directly', async () => {
    const hub = createMemoryHub();
    const a = createMemoryStore({ hub });
    const b = createMemoryStore({ hub });
    await a.setFeatureValue('f', 's', 1);
    expect(await b.listFeatures()).toEqual(['f']);
  });

  test('inputs are copied on write: mutating them afterwards changes nothing stored', async () => {
    const store = createMemoryStore();
    const definition = flag('x');
    await store.upsertFlag(definition);
    (definition.fallbackValue as { colour: string }).colour = 'red';
    definition.tags!.push('b');
    expect((await store.getFlag('x'))?.definition.fallbackValue).toEqual({ colour: 'blue' });
    expect((await store.getFlag('x'))?.definition.tags).toEqual(['a']);

    const value = { n: 1 };
    await store.setValues([{ key: 'x', value }]);
    value.n = 2;
    expect((await store.getValues('x'))?.rootValue).toEqual({ n: 1 });

    const cached = { list: [1] };
    await store.cacheSet('c', cached);
    cached.list.push(2);
    expect(await store.cacheGet('c')).toEqual({ list: [1] });

    const feature = { on: true };
    await store.setFeatureValue('f', 's', feature);
    feature.on = false;
    expect((await store.getFeatureValues('f', ['s'])).get('s')).toEqual({ on: true });
  });

  test('the audit keeps the newest auditLimit entries', async () => {
    const store = createMemoryStore({ auditLimit: 3 });
    for (let i = 0; i < 5; i++) await store.upsertFlag({ key: `k${i}`, type: 'boolean', fallbackValue: true });
    expect((await store.listAudit()).map((e) => e.key)).toEqual(['k4', 'k3', 'k2']);
  });

  test('capabilities: propagation inside the process, nothing persistent or shared between processes', () => {
    expect(createMemoryStore().capabilities).toEqual({ propagation: true, persistent: false, shared: false, sendCommand: false });
  });
});
