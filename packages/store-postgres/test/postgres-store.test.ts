import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { ConflictError, StoreUnavailableError, ValidationError, type StoreChange } from '@switchyard/core';
import { rejectionOf, uniqueNamespace, waitFor } from '@switchyard/store-test-suite';
import { createPostgresStore, MIGRATION_NAMES, storeFactory, type PostgresStore, type PostgresStoreOptions } from '../src/index';
import { admin, dropSchema, pgUrl } from './helpers';
import { recordingLogger } from '../../../tooling/testing/recording-logger.ts';

const numberFlag = (key: string) => ({ key, type: 'number' as const, fallbackValue: 0 });

describe.skipIf(!pgUrl)('postgres store', () => {
  const url = pgUrl!;
  const namespaces = new Set<string>();
  const open: PostgresStore[] = [];

  function store(namespace: string, options: Partial<PostgresStoreOptions> = {}): PostgresStore {
    namespaces.add(namespace);
    const s = createPostgresStore({ connectionString: url, namespace, logger: recordingLogger(), ...options });
    open.push(s);
    return s;
  }

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    for (const ns of namespaces) await dropSchema(ns);
  });

  describe('schema isolation', () => {
    test('every table lives in the namespace schema; two namespaces share no state and no events', async () => {
      const nsA = uniqueNamespace('sy_pg_iso');
      const nsB = uniqueNamespace('sy_pg_iso');
      const a = store(nsA);
      const b = store(nsB);
      await Promise.all([a.ready(), b.ready()]);
      const seenByB: StoreChange[] = [];
      b.subscribe((c) => seenByB.push(c));
      const a2 = store(nsA);
      await a2.ready();
      const seenByA2: StoreChange[] = [];
      a2.subscribe((c) => seenByA2.push(c));

      await a.upsertFlag(numberFlag('shared-name'));
      await a.setValues([{ key: 'shared-name', value: 1 }]);
      await a.setFeatureValue('feat', 's', true);
      await a.cacheSet('c', 1);

      expect(await b.getFlag('shared-name')).toBeUndefined();
      expect(await b.listValues()).toEqual({});
      expect(await b.listFeatures()).toEqual([]);
      expect(await b.cacheGet('c')).toBeUndefined();
      expect(await b.listAudit()).toEqual([]);
      await waitFor(() => seenByA2.length === 3, { description: 'events in namespace A' });
      expect(seenByB).toEqual([]);

      const tables = await admin<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [nsA],
      );
      expect(tables.map((t) => t.table_name)).toEqual(['audit', 'cache', 'feature_values', 'flag_values', 'flags', 'migrations']);
    });

    test('a namespace that needs quoting is used verbatim, never interpolated', async () => {
      const ns = `${uniqueNamespace('Sy Odd')}"; DROP TABLE x; --`.slice(0, 63);
      const s = store(ns);
      await s.upsertFlag(numberFlag('q'));
      expect((await s.getFlag('q'))?.version).toBe(1);
      const schemas = await admin<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = $1`, [ns]);
      expect(schemas[0]?.n).toBe(1);
    });

    test('invalid namespaces are refused with ValidationError', () => {
      expect(() => createPostgresStore({ connectionString: url, namespace: '' })).toThrow(ValidationError);
      expect(() => createPostgresStore({ connectionString: url, namespace: 'x'.repeat(64) })).toThrow('longer than 63 bytes');
      expect(() => createPostgresStore({ connectionString: url, namespace: 'pg_mine' })).toThrow('reserved by PostgreSQL');
    });
  });

  describe('migrations', () => {
    test('eight instances migrating one fresh schema at once: each migration applies exactly once', async () => {
      const ns = uniqueNamespace('sy_pg_mig');
      const stores = Array.from({ length: 8 }, () => store(ns, { autoMigrate: false, propagation: false }));
      const results = await Promise.all(stores.map((s) => s.migrate()));
      const applied = results.flat().map((r) => r.migrationName);
      expect(applied).toEqual([...MIGRATION_NAMES]);
      expect(results.filter((r) => r.length > 0)).toHaveLength(1);
      const rows = await admin<{ name: string }>(`SELECT name FROM "${ns}".migrations ORDER BY name`);
      expect(rows.map((r) => r.name)).toEqual([...MIGRATION_NAMES]);
      expect(await stores[0]!.migrate()).toEqual([]);
    });

    test('with autoMigrate (the default) the first call migrates; an explicit migrate() then applies nothing', async () => {
      const ns = uniqueNamespace('sy_pg_auto');
      const s = store(ns, { propagation: false });
      expect(await s.listFlags()).toEqual([]);
      expect(await s.migrate()).toEqual([]);
    });

    test('with autoMigrate false, calls on an un-migrated schema fail loudly instead of creating tables', async () => {
      const ns = uniqueNamespace('sy_pg_nomig');
      const s = store(ns, { autoMigrate: false, propagation: false });
      const err = await rejectionOf(s.getFlag('x'));
      expect(err).not.toBeInstanceOf(StoreUnavailableError);
      expect(err.message).toMatch(/does not exist/);
    });
  });

  describe('storeFactory', () => {
    test('postgres:// URLs with ?schema= choose the namespace; it resolves listening and leaves migrating to the caller', async () => {
      const ns = uniqueNamespace('sy_pg_url');
      namespaces.add(ns);
      const u = new URL(url);
      u.searchParams.set('schema', ns);
      const s = (await storeFactory(u, { logger: recordingLogger() })) as PostgresStore;
      open.push(s);
      expect(s.namespace).toBe(ns);
      expect(s.listenerProcessId).toBeTypeOf('number');
      expect(await admin(`SELECT 1 FROM information_schema.schemata WHERE schema_name = $1`, [ns])).toEqual([]);
      expect(await s.migrate()).toHaveLength(MIGRATION_NAMES.length);
      await s.upsertFlag(numberFlag('from-url'));
      const rows = await admin<{ key: string }>(`SELECT key FROM "${ns}".flags`);
      expect(rows).toEqual([{ key: 'from-url' }]);
    });
  });

  describe('concurrent writers', () => {
    test('concurrent calls of one client that share a commit keep their own version checks, versions and audit rows', async () => {
      const ns = uniqueNamespace('sy_pg_group');
      const s = store(ns);
      await s.upsertFlag(numberFlag('n'));
      await s.setValues([{ key: 'n', value: 0 }]);
      // Definitions given by the caller: no definition read, so the calls queue in call order. The
      // first write occupies the connection; the four after it are queued meanwhile and share the next commit.
      const definitionOf = (key: string) => numberFlag(key);
      const first = s.setValues([{ key: 'other', value: 1 }], { definitionOf });
      const results = await Promise.allSettled([
        s.setValues([{ key: 'n', value: 1, expectedVersion: 1 }], { actor: 'w1', definitionOf }),
        s.setValues([{ key: 'n', value: 2, expectedVersion: 1 }], { actor: 'w2', definitionOf }),
        s.setValues([{ key: 'n', value: 3, scope: { user: 'u' } }], { actor: 'w3', definitionOf }),
        s.setValues([{ key: 'n', value: 4, expectedVersion: 3 }], { actor: 'w4', definitionOf }),
      ]);
      await first;
      const group = await admin<{ n: number }>(
        `SELECT count(DISTINCT xmin::text)::int AS n FROM "${ns}".audit WHERE actor IN ('w1', 'w3', 'w4')`,
      );
      expect(group[0]?.n).toBe(1);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const refused = (results[1] as PromiseRejectedResult).reason as ConflictError;
      expect(refused).toBeInstanceOf(ConflictError);
      expect(refused).toMatchObject({ key: 'n', expectedVersion: 1, actualVersion: 2 });
      expect(await s.getValues('n')).toEqual({ rootValue: 4, scopedValues: { 'user::u': 3 }, version: 4 });
      const audit = await s.listAudit({ key: 'n', limit: 3 });
      expect(audit.map((e) => [e.actor, e.before, e.after])).toEqual([
        ['w4', { rootValue: 1, scopedValues: { 'user::u': 3 } }, { rootValue: 4, scopedValues: { 'user::u': 3 } }],
        ['w3', { rootValue: 1 }, { rootValue: 1, scopedValues: { 'user::u': 3 } }],
        ['w1', { rootValue: 0 }, { rootValue: 1 }],
      ]);
    });
  });

  describe('propagation', () => {
    test('a change naming more keys than one NOTIFY payload holds reaches the other client complete', async () => {
      const ns = uniqueNamespace('sy_pg_big');
      const [a, b] = [store(ns), store(ns)];
      await Promise.all([a.ready(), b.ready()]);
      const received = new Set<string>();
      b.subscribe((c) => {
        if (c.kind === 'values') for (const k of c.keys) received.add(k);
      });
      const keys = Array.from({ length: 600 }, (_, i) => `legacy/${'x'.repeat(24)}/${i}`);
      await a.setValues(keys.map((key) => ({ key, value: 1, remoteOnly: true })));
      await waitFor(() => received.size === keys.length, { description: 'all 600 keys at B' });
      expect([...received].sort()).toEqual([...keys].sort());
    });
  });

  describe('failure behaviour', () => {
    test('a terminated listener connection reconnects by itself, emits reset, and propagation resumes', async () => {
      const ns = uniqueNamespace('sy_pg_kill');
      const logger = recordingLogger();
      const a = store(ns);
      const b = store(ns, { logger });
      await Promise.all([a.ready(), b.ready()]);
      const events: StoreChange[] = [];
      b.subscribe((c) => events.push(c));
      const pid = b.listenerProcessId;
      expect(pid).toBeTypeOf('number');

      const [killed] = await admin<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
      expect(killed?.ok).toBe(true);
      await waitFor(() => events.some((e) => e.kind === 'reset'), { description: 'reset after reconnect' });
      expect(events).toEqual([{ kind: 'reset', origin: b.clientId }]);
      expect(b.listenerProcessId).not.toBe(pid);
      expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('change listener lost'))).toBe(true);

      await a.upsertFlag(numberFlag('after-reconnect'));
      await waitFor(() => events.some((e) => e.kind === 'flags'), { description: 'change after reconnect' });
      expect(events.at(-1)).toEqual({ kind: 'flags', keys: ['after-reconnect'], origin: a.clientId });
    });

    test('terminated pooled connections do not crash the process; the next calls work on fresh connections', async () => {
      const ns = uniqueNamespace('sy_pg_pool');
      const app = `sy-test-${ns}`;
      const logger = recordingLogger();
      const s = store(ns, { logger, propagation: false, pg: { application_name: app } });
      await s.upsertFlag(numberFlag('k'));
      await Promise.all([s.getFlag('k'), s.getFlag('k'), s.getFlag('k')]);
      const terminated = await admin<{ ok: boolean }>(
        'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      expect(terminated.length).toBeGreaterThan(0);
      await waitFor(() => logger.lines.some((l) => l.msg.includes('pooled connection lost')), { description: 'pool error event' });
      expect((await s.getFlag('k'))?.version).toBe(1);
      await s.setValues([{ key: 'k', value: 5 }]);
      expect((await s.getValues('k'))?.rootValue).toBe(5);
    });

    test('an unreachable server: calls and ready() reject with StoreUnavailableError, health reports it, nothing crashes', async () => {
      const s = createPostgresStore({
        connectionString: 'postgres://postgres@127.0.0.1:1/test',
        namespace: 'unused',
        timeoutMs: 500,
        logger: recordingLogger(),
      });
      open.push(s);
      const err = await rejectionOf(s.getFlag('x'));
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect(err.message).toMatch(/^postgres: getFlag failed: .*ECONNREFUSED/);
      await expect(s.upsertFlag(numberFlag('x'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(s.ready()).rejects.toBeInstanceOf(StoreUnavailableError);
      const health = await s.health();
      expect(health.ok).toBe(false);
      expect(health.error).toMatch(/ECONNREFUSED/);
      // Invalid input is still a ValidationError: it is checked before any I/O.
      await expect(s.upsertFlag({ key: 'bad key!', type: 'number', fallbackValue: 0 })).rejects.toBeInstanceOf(ValidationError);
    });

    test('a statement that waits longer than timeoutMs fails with StoreUnavailableError, and the store stays usable', async () => {
      const ns = uniqueNamespace('sy_pg_slow');
      const s = store(ns, { timeoutMs: 300, propagation: false });
      await s.upsertFlag(numberFlag('k'));
      const { Client } = await import('pg');
      const blocker = new Client({ connectionString: url });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query(`LOCK TABLE "${ns}".flags IN ACCESS EXCLUSIVE MODE`);
        // The lock is held until ROLLBACK: only the 300 ms timeout can end this read.
        const err = await rejectionOf(s.getFlag('k'));
        expect(err).toBeInstanceOf(StoreUnavailableError);
        expect(err.message).toMatch(/statement timeout|timeout/);
      } finally {
        await blocker.query('ROLLBACK');
        await blocker.end();
      }
      expect((await s.getFlag('k'))?.version).toBe(1);
    });
  });

  describe('cache', () => {
    test('expired rows are removed from the table, not only hidden', async () => {
      const ns = uniqueNamespace('sy_pg_cache');
      const a = store(ns, { propagation: false });
      await a.cacheSet('old', 1, 30);
      await new Promise((r) => setTimeout(r, 80));
      expect(await a.cacheGet('old')).toBeUndefined();
      // A fresh client sweeps on its first cacheSet.
      const b = store(ns, { propagation: false });
      await b.cacheSet('new', 2, 60_000);
      const rows = await admin<{ key: string }>(`SELECT key FROM "${ns}".cache ORDER BY key`);
      expect(rows).toEqual([{ key: 'new' }]);
    });

    test('a TTL that is not a positive number is refused', async () => {
      const s = store(uniqueNamespace('sy_pg_ttl'), { propagation: false });
      await expect(s.cacheSet('k', 1, 0)).rejects.toThrow('ttlMs must be a positive number of milliseconds');
      await expect(s.cacheSet('k', 1, Number.NaN)).rejects.toBeInstanceOf(ValidationError);
    });
  });
});
