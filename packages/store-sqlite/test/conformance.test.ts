import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'vitest';
import { storageTestSuite } from '@switchyard/store-test-suite';
import { createSqliteStore, MIGRATIONS } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-sqlite-'));
let file = join(dir, 'db-0.sqlite');
let run = 0;

storageTestSuite(test, async (options) => createSqliteStore({ path: file, ...options }), {
  name: 'sqlite',
  cleanup: async () => {
    file = join(dir, `db-${++run}.sqlite`);
  },
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
  migrations: MIGRATIONS.map((m) => m.name),
  // Another connection commits a change-log row and prunes it before the store reads it: a gap,
  // as when a client falls further behind than the change log's retention.
  interruptChangeFeed: async () => {
    const db = new Database(file);
    try {
      db.prepare("INSERT INTO change_log (at, origin, kind, keys) VALUES (?, 'pruned', 'flags', '[]')").run(Date.now());
      db.prepare("DELETE FROM change_log WHERE origin = 'pruned'").run();
    } finally {
      db.close();
    }
  },
});
