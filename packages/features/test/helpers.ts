import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { FlagStore } from '@switchyard/core';
import { openStore } from '@switchyard/stores';
import { serviceUrl, uniqueNamespace } from '@switchyard/store-test-suite';

/** One real backend the feature tests run against. */
export interface StoreCase {
  name: string;
  /** URL for `openStore`, shared by every store this case opens (and by child processes). */
  url: string;
  namespace: string | undefined;
  open(): Promise<FlagStore>;
  cleanup(): Promise<void>;
}

/** Memory and SQLite always; Postgres and Redis when reachable (required under CI=true). */
export async function storeCases(): Promise<StoreCase[]> {
  const cases: StoreCase[] = [];
  const memoryName = uniqueNamespace('features');
  cases.push(simpleCase('memory', `memory:${memoryName}`, undefined, async () => undefined));
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-features-'));
  cases.push(simpleCase('sqlite', `sqlite://${path.join(dir, 'features.db')}`, undefined, async () => rmSync(dir, { recursive: true, force: true })));
  const postgres = await serviceUrl('postgres');
  if (postgres) {
    const namespace = uniqueNamespace('sy_features');
    cases.push(
      simpleCase('postgres', postgres, namespace, async () => {
        const client = new pg.Client({ connectionString: postgres });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
        } finally {
          await client.end();
        }
      }),
    );
  }
  const redis = await serviceUrl('redis');
  if (redis) {
    const namespace = uniqueNamespace('sy_features');
    cases.push(
      simpleCase('redis', redis, namespace, async () => {
        const store = await openStore(redis, { namespace, migrate: false });
        try {
          const keys = (await store.sendCommand!(['KEYS', `${namespace}*`])) as string[];
          if (keys.length) await store.sendCommand!(['DEL', ...keys]);
        } finally {
          await store.close();
        }
      }),
    );
  }
  return cases;
}

function simpleCase(name: string, url: string, namespace: string | undefined, cleanup: () => Promise<void>): StoreCase {
  return {
    name,
    url,
    namespace,
    open: () => openStore(url, namespace ? { namespace } : {}),
    cleanup,
  };
}

/** Counts calls of a real store's feature methods by passing them through. */
export function counting(store: FlagStore): { store: FlagStore; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        calls[prop] = (calls[prop] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

export class User {
  constructor(
    readonly id: number,
    readonly isAdmin = false,
  ) {}

  toFeatureIdentifier(): number {
    return this.id;
  }
}
