import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, EngineSync, scopeKey, type FlagDefinition, type FlagStore } from '@switchyard/core';
import { waitFor } from '@switchyard/store-test-suite';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/index';

const manifestFlag: FlagDefinition = { key: 'from-manifest', type: 'boolean', fallbackValue: false, defaultRule: { type: 'static', value: true } };
const stored = (key: string, value: boolean): FlagDefinition => ({ key, type: 'boolean', fallbackValue: false, defaultRule: { type: 'static', value } });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function sqlitePair(): Promise<[FlagStore, FlagStore]> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-sync-'));
  const url = `sqlite:${join(dir, 'flags.db')}`;
  const a = await openStore(url);
  await a.migrate();
  const b = await openStore(url);
  cleanups.push(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return [a, b];
}

describe('EngineSync', () => {
  it('merges base (manifest) definitions with stored ones; the base wins on the same key', async () => {
    const store = await openStore('memory:');
    await store.upsertFlag(stored('from-store', true));
    await store.upsertFlag(stored('from-manifest', false));
    const engine = createEngine();
    const sync = new EngineSync(engine, store);
    sync.setBase([manifestFlag]);
    await sync.start();
    cleanups.push(() => sync.stop());
    expect(engine.evaluate('from-store').value).toBe(true);
    expect(engine.evaluate('from-manifest').value).toBe(true);
    expect(sync.status.synced).toBe(true);
    expect([...sync.baseKeys()]).toEqual(['from-manifest']);
  });

  it('follows writes made through another client of the same backend (SQLite, separate connection)', async () => {
    const [writer, reader] = await sqlitePair();
    const engine = createEngine();
    const sync = new EngineSync(engine, reader);
    await sync.start();
    cleanups.push(() => sync.stop());
    expect(engine.evaluate('live').errorCode).toBe('FLAG_NOT_FOUND');

    await writer.upsertFlag({ key: 'live', type: 'number', fallbackValue: 0, validations: [{ scopes: ['tenant'] }] });
    await waitFor(() => engine.has('live'));
    await writer.setValues([{ key: 'live', value: 7, scope: { tenant: 'acme' } }, { key: 'live', value: 1 }]);
    await waitFor(() => engine.evaluate('live', { tenant: 'acme' }).value === 7);
    expect(engine.evaluate('live', { tenant: 'other' })).toMatchObject({ value: 1, reason: 'STATIC' });
    expect(engine.valuesOf('live')?.scopedValues).toEqual({ [scopeKey({ tenant: 'acme' })]: 7 });

    await writer.deleteFlag('live');
    await waitFor(() => !engine.has('live'));
  });

  it('keeps serving the last snapshot when the store fails, and resyncs on reset', async () => {
    const store = await openStore('memory:');
    await store.upsertFlag(stored('kept', true));
    const errors: string[] = [];
    const engine = createEngine();
    const sync = new EngineSync(engine, store, { onError: (e) => errors.push(e.message), retryMs: 10 });
    await sync.start();
    cleanups.push(() => sync.stop());

    // The store starts failing reads: a change event cannot be applied.
    const listFlags = store.listFlags.bind(store);
    const getFlag = store.getFlag.bind(store);
    let down = true;
    store.listFlags = async (...args) => (down ? Promise.reject(new Error('backend down')) : listFlags(...args));
    store.getFlag = async (...args) => (down ? Promise.reject(new Error('backend down')) : getFlag(...args));
    await store.upsertFlag(stored('added-while-down', true));
    await waitFor(() => errors.length > 0);
    expect(engine.evaluate('kept').value).toBe(true);
    expect(sync.status.synced).toBe(false);

    down = false;
    await waitFor(() => engine.has('added-while-down'), { timeoutMs: 10_000 });
    expect(sync.status.synced).toBe(true);
  });

  it('reports invalid stored rows and skips them', async () => {
    const store = await openStore('memory:');
    await store.upsertFlag(stored('good', true));
    const rows = await store.listFlags();
    store.listFlags = async () => [...rows, { definition: { key: 'bad', type: 'boolean', fallbackValue: 'x' } as never, version: 1, createdAt: '', updatedAt: '' }];
    const errors: string[] = [];
    const engine = createEngine();
    const sync = new EngineSync(engine, store, { onError: (e) => errors.push(e.message) });
    await sync.start();
    cleanups.push(() => sync.stop());
    expect(engine.keys()).toEqual(['good']);
    expect(errors[0]).toMatch(/stored flag "bad" is invalid and was skipped/);
  });
});

describe('EngineSync under a flood of changes', () => {
  it('coalesces changes by key: bursts cost a few reads, never a backlog, and the last write wins', async () => {
    const hub = `flood-${Math.random().toString(36).slice(2)}`;
    const writer = await openStore(`memory:${hub}`);
    const reader = await openStore(`memory:${hub}`);
    cleanups.push(async () => {
      await writer.close();
      await reader.close();
    });
    await writer.upsertFlag({ key: 'hot', type: 'number', fallbackValue: 0 });
    // Count the reads the sync makes (the store itself is real).
    let valueReads = 0;
    const getValues = reader.getValues.bind(reader);
    reader.getValues = (key) => {
      valueReads++;
      return getValues(key);
    };
    const engine = createEngine();
    const sync = new EngineSync(engine, reader);
    await sync.start();
    cleanups.push(() => sync.stop());

    const writes = 2000;
    await Promise.all(Array.from({ length: writes }, (_, i) => writer.setValues([{ key: 'hot', value: i + 1 }])));
    await waitFor(() => engine.evaluate('hot').value === writes, { description: 'the last write applied' });
    expect(valueReads).toBeLessThan(writes / 10);
  });
});

describe('EngineSync resync during a failing sync', () => {
  it('a resync requested while a full sync is failing is attempted before its promise resolves', async () => {
    const store = await openStore('memory:');
    cleanups.push(() => store.close());
    await store.upsertFlag(stored('back', true));
    // The first read fails after a moment, as a read to a store that just went away would.
    let failNext = true;
    const listFlags = store.listFlags.bind(store);
    store.listFlags = async (options) => {
      if (failNext) {
        failNext = false;
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('connection lost');
      }
      return listFlags(options);
    };
    const engine = createEngine();
    const sync = new EngineSync(engine, store, { retryMs: 60_000 });
    cleanups.push(() => sync.stop());
    const starting = sync.start();
    const again = sync.resync();
    await again;
    expect(sync.status.synced).toBe(true);
    expect(engine.evaluate('back').value).toBe(true);
    await starting;
  });
});

describe('EngineSync merges values per (key, scope)', () => {
  const priority: FlagDefinition = { key: '/check/priority', type: 'number', fallbackValue: 0, validations: [{ scopes: ['user', 'tenant'] }] };
  const seeded = { rootValue: 1, scopedValues: { 'tenant::a': 10, 'tenant::b': 20, 'user::alice': 100 } };

  async function pair(): Promise<{ engines: ReturnType<typeof createEngine>[]; syncs: EngineSync[]; writer: FlagStore }> {
    const hub = `scopes-${Math.random().toString(36).slice(2)}`;
    const stores = [await openStore(`memory:${hub}`), await openStore(`memory:${hub}`)];
    const engines = [createEngine(), createEngine()];
    const syncs = engines.map((engine, i) => new EngineSync(engine, stores[i]));
    for (const sync of syncs) {
      sync.setBase([priority], { [priority.key]: seeded });
      await sync.start();
    }
    cleanups.push(async () => {
      for (const sync of syncs) sync.stop();
      for (const store of stores) await store.close();
    });
    return { engines, syncs, writer: stores[0]! };
  }

  it('a stored value of one scope keeps the seeded values of the other scopes, on every instance', async () => {
    const { engines, syncs, writer } = await pair();
    await writer.setValues([{ key: priority.key, value: 11, scope: { tenant: 'a' } }], { seededValuesOf: (k) => syncs[0]!.seededValues(k), definitionOf: (k) => syncs[0]!.baseDefinition(k) });
    for (const engine of engines) {
      await waitFor(() => engine.evaluate(priority.key, { tenant: 'a' }).value === 11);
      expect(engine.valuesOf(priority.key)).toEqual({ rootValue: 1, scopedValues: { 'tenant::a': 11, 'tenant::b': 20, 'user::alice': 100 } });
      expect(engine.evaluate(priority.key, { tenant: 'b' })).toMatchObject({ value: 20, reason: 'SCOPED' });
    }
  });

  it('null removes exactly one seeded value, on every instance, and a resync keeps it removed', async () => {
    const { engines, syncs, writer } = await pair();
    await writer.setValues([{ key: priority.key, value: null, scope: { user: 'alice' } }], { seededValuesOf: (k) => syncs[0]!.seededValues(k), definitionOf: (k) => syncs[0]!.baseDefinition(k) });
    for (const engine of engines) {
      await waitFor(() => engine.evaluate(priority.key, { user: 'alice' }).value === 1);
      expect(engine.valuesOf(priority.key)).toEqual({ rootValue: 1, scopedValues: { 'tenant::a': 10, 'tenant::b': 20 } });
    }
    await syncs[1]!.resync();
    expect(engines[1]!.valuesOf(priority.key)).toEqual({ rootValue: 1, scopedValues: { 'tenant::a': 10, 'tenant::b': 20 } });
    // A manifest reload keeps the removal and picks up what else changed.
    syncs[1]!.setBase([priority], { [priority.key]: { ...seeded, scopedValues: { ...seeded.scopedValues, 'tenant::c': 30 } } });
    expect(engines[1]!.valuesOf(priority.key)).toEqual({ rootValue: 1, scopedValues: { 'tenant::a': 10, 'tenant::b': 20, 'tenant::c': 30 } });
  });
});
