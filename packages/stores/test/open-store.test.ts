import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, describe, expect, test } from 'vitest';
import { ValidationError } from '@switchyard/core';
import type { FlagStore } from '@switchyard/core';
import { booleanFlag, rejectionOf, serviceUrl, uniqueNamespace } from '@switchyard/store-test-suite';
import { DEFAULT_STORE_URL, openStore, parseStoreUrl, redactUrl, SUPPORTED_SCHEMES } from '../src/index';
import { deleteRedisKeys } from '../../../tooling/testing/redis-keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function roundTrip(store: FlagStore): Promise<void> {
  try {
    await store.upsertFlag(booleanFlag('opened'));
    expect((await store.getFlag('opened'))?.version).toBe(1);
    expect((await store.health()).ok).toBe(true);
  } finally {
    await store.close();
  }
}

const SUPPORTED_TEXT =
  'supported: memory: or memory:NAME, sqlite:PATH or sqlite:///ABSOLUTE/PATH, postgres://USER@HOST:5432/DB, postgresql://USER@HOST:5432/DB, redis://HOST:6379, rediss://HOST:6380 (TLS)';

describe('openStore', () => {
  test('memory: opens a fresh in-process store; memory:NAME a shared one', async () => {
    const a = await openStore('memory:');
    expect(a.name).toBe('memory');
    await roundTrip(a);
    const b = await openStore('memory:stores-shared');
    const c = await openStore(new URL('memory:stores-shared'));
    await b.upsertFlag(booleanFlag('shared'));
    expect((await c.getFlag('shared'))?.version).toBe(1);
    expect(await (await openStore('memory:')).getFlag('shared')).toBeUndefined();
  });

  test('sqlite:PATH is relative to the working directory and sqlite:///PATH absolute; the schema is migrated', async () => {
    const rel = relative(process.cwd(), join(dir, 'sub', 'relative.db'));
    const store = await openStore(`sqlite:${rel}`);
    expect(store.name).toBe('sqlite');
    expect(await store.migrate()).toEqual([]);
    await roundTrip(store);
    const again = await openStore(`sqlite://${join(dir, 'sub', 'relative.db')}`);
    expect((await again.getFlag('opened'))?.version).toBe(1);
    await again.close();
  });

  test('migrate: false leaves migrations to the caller', async () => {
    const store = await openStore(`sqlite://${join(dir, 'manual.db')}`, { migrate: false });
    expect((await store.migrate()).map((r) => r.migrationName)).toEqual(['0001_initial_tables_and_indexes']);
    await store.close();
  });

  test('sqlite::memory: opens a private in-memory database', async () => {
    const store = await openStore('sqlite::memory:');
    expect(store.capabilities.persistent).toBe(false);
    await roundTrip(store);
  });

  test('the default URL is the embedded SQLite file', () => {
    expect(DEFAULT_STORE_URL).toBe('sqlite:./data/switchyard.db');
    expect(parseStoreUrl(DEFAULT_STORE_URL).protocol).toBe('sqlite:');
    expect(SUPPORTED_SCHEMES).toEqual(['memory:', 'sqlite:', 'postgres:', 'postgresql:', 'redis:', 'rediss:']);
  });

  test('an unknown scheme is refused with the list of supported ones, without showing the password', async () => {
    const err = await rejectionOf(openStore('mysql://root:hunter2@db:3306/flags'));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe(`unsupported store URL scheme "mysql:" in mysql://root:***@db:3306/flags; ${SUPPORTED_TEXT}`);
    expect((err as ValidationError).issues).toEqual([{ path: ['url'], message: err.message }]);
  });

  test('a malformed URL is refused; a bare path gets a sqlite: hint', async () => {
    const bare = await rejectionOf(openStore('./data/flags.db'));
    expect(bare).toBeInstanceOf(ValidationError);
    expect(bare.message).toBe(`"./data/flags.db" is not a valid store URL (for a SQLite file write sqlite:./data/flags.db); ${SUPPORTED_TEXT}`);
    const empty = await rejectionOf(openStore(''));
    expect(empty.message).toBe(`"" is not a valid store URL (for a SQLite file write sqlite:); ${SUPPORTED_TEXT}`);
  });

  test('a sqlite URL naming a host is refused by the adapter', async () => {
    await expect(openStore('sqlite://db-host/x.db')).rejects.toThrow('sqlite URL must not name a host ("db-host")');
  });
});

describe('redactUrl', () => {
  test('hides passwords and password-like query parameters', () => {
    expect(redactUrl('postgres://app:s3cr%40t@db.internal:5432/flags?sslmode=require')).toBe('postgres://app:***@db.internal:5432/flags?sslmode=require');
    expect(redactUrl('redis://:hunter2@127.0.0.1:6379/0')).toBe('redis://:***@127.0.0.1:6379/0');
    expect(redactUrl(new URL('rediss://user:pw@cache:6380'))).toBe('rediss://user:***@cache:6380');
    expect(redactUrl('postgres://db/flags?password=x&application_name=sy')).toBe('postgres://db/flags?password=***&application_name=sy');
  });

  test('leaves URLs without secrets unchanged', () => {
    for (const url of ['sqlite:./data/switchyard.db', 'memory:', 'postgres://postgres@127.0.0.1:5432/test', 'redis://127.0.0.1:6379']) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  test('masks the password in text that does not parse as a URL', () => {
    expect(redactUrl('postgres://app:pa ss@db:bad-port/x')).toBe('postgres://app:***@db:bad-port/x');
    expect(redactUrl('postgres://app:p@ss word@db:bad-port/x')).toBe('postgres://app:***@db:bad-port/x');
  });

  test('never returns a password it was given', () => {
    const text = fc.stringMatching(/^[A-Za-z0-9]{4,16}$/);
    fc.assert(
      fc.property(text, text, fc.constantFrom('postgres', 'postgresql', 'redis', 'rediss'), (user, password, scheme) => {
        const secret = `Zq${password}`;
        const redacted = redactUrl(`${scheme}://${user}:${secret}@host.example:1234/db`);
        expect(redacted).not.toContain(secret);
        expect(redacted).toBe(`${scheme}://${user}:***@host.example:1234/db`);
      }),
    );
  });
});

const pgUrl = await serviceUrl('postgres');
describe.skipIf(!pgUrl)('openStore with PostgreSQL', () => {
  const namespace = uniqueNamespace('sy_stores');
  afterAll(async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(namespace)} CASCADE`);
    } finally {
      await client.end();
    }
  });

  test('postgres:// and postgresql:// load the PostgreSQL adapter', async () => {
    const store = await openStore(pgUrl!, { namespace });
    expect(store.name).toBe('postgres');
    await roundTrip(store);
    const again = await openStore(pgUrl!.replace(/^postgres:/, 'postgresql:'), { namespace });
    expect((await again.getFlag('opened'))?.version).toBe(1);
    await again.close();
  });
});

const redisUrl = await serviceUrl('redis');
describe.skipIf(!redisUrl)('openStore with Redis', () => {
  const namespace = uniqueNamespace('sy_stores');
  afterAll(async () => {
    const client = createClient({ url: redisUrl });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await deleteRedisKeys((c) => client.sendCommand(c), namespace);
    } finally {
      client.destroy();
    }
  });

  test('redis:// loads the Redis adapter', async () => {
    const store = await openStore(redisUrl!, { namespace });
    expect(store.name).toBe('redis');
    await roundTrip(store);
    const again = await openStore(new URL(redisUrl!), { namespace });
    expect((await again.getFlag('opened'))?.version).toBe(1);
    await again.close();
  });
});

describe('?auditMaxEntries on any store URL', () => {
  test('sets audit retention (SQLite file and memory) and is not passed on to the adapter', async () => {
    for (const url of [`sqlite:${relative(process.cwd(), join(dir, 'retention.db'))}?auditMaxEntries=2`, 'memory:?auditMaxEntries=2']) {
      const store = await openStore(url);
      try {
        for (const key of ['r1', 'r2', 'r3']) await store.upsertFlag(booleanFlag(key));
        expect((await store.listAudit()).map((e) => e.key), url).toEqual(['r3', 'r2']);
      } finally {
        await store.close();
      }
    }
  });

  test('refuses a value that is not a whole number from 1 to 2^31 - 1 (also for ?timeoutMs)', async () => {
    for (const name of ['auditMaxEntries', 'timeoutMs']) {
      for (const bad of ['0', '-3', '1.5', 'many', '', '2147483648', '9999999999']) {
        const err = await rejectionOf(openStore(`memory:?${name}=${bad}`));
        expect(err).toBeInstanceOf(ValidationError);
        expect(err.message).toContain(`${name} must be a whole number from 1 to 2147483647`);
      }
    }
  });
});
