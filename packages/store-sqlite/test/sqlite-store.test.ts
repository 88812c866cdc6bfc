import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { isValidationError, StoreUnavailableError } from '@switchyard/core';
import type { StoreChange } from '@switchyard/core';
import { booleanFlag, numberFlag, rejectionOf, sleep, waitFor } from '@switchyard/store-test-suite';
import { createSqliteStore, MIGRATIONS_TABLE, runMigrations, storeFactory } from '../src/index';
import type { SqliteStore } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-sqlite-unit-'));
let n = 0;
const freshPath = () => join(dir, `unit-${++n}.db`);
const opened: SqliteStore[] = [];
const open = (options: Parameters<typeof createSqliteStore>[0]) => {
  const store = createSqliteStore(options);
  opened.push(store);
  return store;
};

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite store', () => {
  test('creates missing folders, uses WAL and lays out the documented tables', async () => {
    const path = join(dir, 'nested', 'deeper', 'flags.db');
    const store = open({ path });
    expect(await store.migrate()).toEqual([{ migrationName: '0001_initial_tables_and_indexes', direction: 'Up', status: 'Success' }]);
    expect(existsSync(path)).toBe(true);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
      expect(tables).toEqual(['audit_log', 'cache', 'change_log', 'feature_values', 'flag_values', 'flags', MIGRATIONS_TABLE, 'value_keys']);
    } finally {
      raw.close();
    }
  });

  test('with create: false a missing database is refused with its path, and nothing is created', async () => {
    const folder = join(dir, 'typo');
    const path = join(folder, 'flags.db');
    let error: unknown;
    try {
      open({ path, create: false });
    } catch (err) {
      error = err;
    }
    expect(isValidationError(error)).toBe(true);
    expect((error as Error).message).toBe(`the SQLite database ${path} does not exist (nor does its folder ${folder})`);
    expect(existsSync(folder)).toBe(false);
    const warnings: string[] = [];
    const created = open({ path, logger: { warn: (m) => warnings.push(m), error: () => undefined } });
    expect(created.created).toBe(true);
    expect(warnings).toEqual([`creating a new SQLite database at ${path}`]);
    await created.close();
    const again = open({ path, create: false });
    expect(again.created).toBe(false);
  });

  test('the schema is migrated on first use when migrate() was not called', async () => {
    const path = freshPath();
    const store = open({ path });
    await store.upsertFlag(booleanFlag('auto'));
    expect(await store.migrate()).toEqual([]);
    expect((await store.getFlag('auto'))?.version).toBe(1);
  });

  test('values are stored one row per scope, the root under "//"', async () => {
    const path = freshPath();
    const store = open({ path });
    await store.upsertFlag(numberFlag('n'));
    await store.setValues([{ key: 'n', value: 1 }, { key: 'n', value: 2, scope: { user: 'u', tenant: 't' } }]);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.prepare('SELECT key, scope, value FROM flag_values ORDER BY scope').all()).toEqual([
        { key: 'n', scope: '//', value: '1' },
        { key: 'n', scope: 'tenant::t##user::u', value: '2' },
      ]);
      expect(raw.prepare('SELECT kind, keys FROM change_log ORDER BY id').all()).toEqual([
        { kind: 'flags', keys: '["n"]' },
        { kind: 'values', keys: '["n"]' },
      ]);
    } finally {
      raw.close();
    }
  });

  test('a migration that fails is reported as an Error result and not recorded', () => {
    const raw = new Database(':memory:');
    try {
      const results = runMigrations(raw, [
        { name: '0001_ok', sql: 'CREATE TABLE t (a)' },
        { name: '0002_broken', sql: 'CREATE TABLE u (' },
        { name: '0003_never', sql: 'CREATE TABLE v (a)' },
      ]);
      expect(results).toEqual([
        { migrationName: '0001_ok', direction: 'Up', status: 'Success' },
        { migrationName: '0002_broken', direction: 'Up', status: 'Error', error: 'incomplete input' },
      ]);
      expect(raw.prepare(`SELECT name FROM ${MIGRATIONS_TABLE}`).pluck().all()).toEqual(['0001_ok']);
      expect(runMigrations(raw, [{ name: '0001_ok', sql: 'CREATE TABLE t (a)' }])).toEqual([]);
    } finally {
      raw.close();
    }
  });

  test('a database held locked by another connection fails writes with StoreUnavailableError, then recovers', async () => {
    const path = freshPath();
    const store = open({ path, timeoutMs: 100 });
    await store.migrate();
    const blocker = new Database(path);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      const err = await rejectionOf(store.upsertFlag(booleanFlag('blocked')));
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect(err.message).toContain('(SQLITE_BUSY)');
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect((await store.upsertFlag(booleanFlag('blocked'))).version).toBe(1);
  });

  test('an unopenable path fails with StoreUnavailableError', async () => {
    const fileAsFolder = join(dir, 'plain-file');
    await createSqliteStore({ path: fileAsFolder }).close();
    expect(() => createSqliteStore({ path: join(fileAsFolder, 'x.db') })).toThrow(StoreUnavailableError);
  });

  test('sqlite::memory: is a private, non-persistent database', async () => {
    const a = await storeFactory(new URL('sqlite::memory:'));
    const b = await storeFactory(new URL('sqlite::memory:'));
    try {
      expect(a.capabilities).toEqual({ propagation: false, persistent: false, shared: false, sendCommand: false });
      await a.upsertFlag(booleanFlag('only-in-a'));
      expect((await a.getFlag('only-in-a'))?.version).toBe(1);
      expect(await b.getFlag('only-in-a')).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('expired cache rows are deleted by the periodic sweep without being read', async () => {
    const path = freshPath();
    const store = open({ path, sweepIntervalMs: 20 });
    await store.cacheSet('gone', 1, 10);
    await store.cacheSet('kept', 2);
    const raw = new Database(path, { readonly: true });
    try {
      await waitFor(() => raw.prepare('SELECT count(*) FROM cache').pluck().get() === 1, { timeoutMs: 10_000, description: 'sweep' });
      expect(raw.prepare('SELECT key FROM cache').pluck().all()).toEqual(['kept']);
    } finally {
      raw.close();
    }
  });

  test('a subscriber that missed pruned change-log rows is told to reset', async () => {
    const path = freshPath();
    const writer = open({ path, sweepIntervalMs: 20, changeLogRetentionMs: 0 });
    const reader = open({ path, pollIntervalMs: 400 });
    await writer.migrate();
    const events: StoreChange[] = [];
    reader.subscribe((e) => events.push(e));
    await writer.upsertFlag(booleanFlag('x'));
    await writer.upsertFlag(booleanFlag('y'));
    const raw = new Database(path, { readonly: true });
    try {
      await waitFor(() => raw.prepare('SELECT count(*) FROM change_log').pluck().get() === 0, { timeoutMs: 10_000, description: 'prune' });
    } finally {
      raw.close();
    }
    await waitFor(() => events.length > 0, { timeoutMs: 10_000, description: 'reset event' });
    expect(events).toEqual([{ kind: 'reset', origin: reader.clientId }]);
  });

  test('a write by another process reaches a subscribed client through the change log', async () => {
    const path = freshPath();
    const store = open({ path });
    await store.migrate();
    const events: StoreChange[] = [];
    store.subscribe((e) => events.push(e));
    const root = resolve(import.meta.dirname, '../../..');
    const script = resolve(import.meta.dirname, 'fixtures/child-writer.ts');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@switchyard/source', '--import', 'tsx', script, path, 'from-child'],
      { cwd: root, timeout: 30_000 },
    );
    const childClientId = stdout.trim();
    expect(childClientId).toMatch(/^sqlite-/);
    await waitFor(() => events.length > 0, { timeoutMs: 10_000, description: 'change from the child process' });
    expect(events).toEqual([{ kind: 'flags', keys: ['from-child'], origin: childClientId }]);
    expect((await store.getFlag('from-child'))?.definition.key).toBe('from-child');
    expect((await store.listAudit({ key: 'from-child' }))[0]?.actor).toBe('child-process');
  }, 40_000);

  test('close stops the change feed: a closed client hears nothing more', async () => {
    const path = freshPath();
    const a = open({ path });
    const b = open({ path });
    await a.migrate();
    const events: StoreChange[] = [];
    b.subscribe((e) => events.push(e));
    await b.close();
    await a.upsertFlag(booleanFlag('after-close'));
    await sleep(200);
    expect(events).toEqual([]);
    expect(await b.health()).toEqual({ ok: false, error: 'sqlite store is closed' });
  });
});
