import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
