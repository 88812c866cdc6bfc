// Cost of isActive for a code-defined feature: from the request memo (no I/O), and from the store
// (memo flushed each call: one getFeatureValues round-trip) on the memory and SQLite drivers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bench, run, summary } from 'mitata';
import type { FlagStore } from '@switchyard/core';
import { openStore } from '@switchyard/stores';
import { createFeatures, Feature } from '../src/index';

class User {
  constructor(readonly id: number) {}
  toFeatureIdentifier(): number {
    return this.id;
  }
}

class NewCheckout extends Feature<User> {
  resolve(user: User) {
    return user.id % 2 === 0;
  }
}

const USERS = Array.from({ length: 1000 }, (_, i) => new User(i));

async function prepare(store: FlagStore) {
  const features = createFeatures({ store, features: { new_checkout: NewCheckout } });
  // Resolve and store every user once, so the measured calls only read.
  await features.for(USERS).load(['new_checkout']);
  return features;
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-features-bench-'));
  const memory = await openStore('memory:');
  const sqlite = await openStore(`sqlite://${path.join(dir, 'bench.db')}`);
  try {
    const onMemory = await prepare(memory);
    const onSqlite = await prepare(sqlite);
    const memoView = onMemory.request();
    await memoView.for(USERS).load(['new_checkout']);
    const memoScopes = USERS.map((u) => memoView.for(u));
    const memoryView = onMemory.request();
    const sqliteView = onSqlite.request();
    let i = 0;
    summary(() => {
      bench('isActive · memoized (request view)', async () => {
        await memoScopes[i++ % 1000]!.isActive('new_checkout');
      });
      bench('isActive · memory store read', async () => {
        memoryView.flushCache();
        await memoryView.for(USERS[i++ % 1000]!).isActive('new_checkout');
      });
      bench('isActive · sqlite store read', async () => {
        sqliteView.flushCache();
        await sqliteView.for(USERS[i++ % 1000]!).isActive('new_checkout');
      });
      bench('for(user).isActive · memoized incl. scope binding', async () => {
        await memoView.for(USERS[i++ % 1000]!).isActive('new_checkout');
      });
    });
    await run();
    onMemory.close();
    onSqlite.close();
  } finally {
    await memory.close();
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
