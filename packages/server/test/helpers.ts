import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import supertest from 'supertest';
import type { Logger } from 'pino';
import { dropPostgresSchema } from '../../../tooling/testing/postgres-schema.ts';
import { createLogger, createServerRuntime, parseServerConfig, type ServerRuntimeOptions, type ServerConfig, type ServerRuntime } from '../src/index';

export const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/manifests');

export interface TestServer {
  runtime: ServerRuntime;
  http: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

/** A real runtime (store, manifests, sync, app) on a fresh SQLite file unless `store` is given. */
export async function testServer(
  options: { env?: Record<string, string>; argv?: string[]; store?: string; manifests?: string | null; logger?: Logger; runtime?: ServerRuntimeOptions } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-server-'));
  const manifests = options.manifests === null ? [] : ['--manifests', options.manifests ?? EXAMPLES];
  const parsed = parseServerConfig(['--store', options.store ?? `sqlite:${path.join(dir, 'test.db')}`, ...manifests, '--no-watch', ...(options.argv ?? [])], options.env ?? {});
  if (parsed.errors) throw new Error(parsed.errors.join('; '));
  const config: ServerConfig = parsed.config;
  const runtime = await createServerRuntime(config, { logger: options.logger ?? createLogger('silent'), defaultMetrics: false, ...options.runtime });
  return {
    runtime,
    http: supertest(runtime.app),
    close: async () => {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * One test server shared by the tests of the enclosing file (or `describe` block): started before
 * the first, closed after the last. The object returned is filled in once the server has started,
 * so read it inside tests and hooks.
 */
export function sharedTestServer(options?: Parameters<typeof testServer>[0]): TestServer {
  const s = {} as TestServer;
  beforeAll(async () => {
    Object.assign(s, await testServer(options));
  });
  afterAll(() => s.close());
  return s;
}

/** Drops a schema a suite created on the shared PostgreSQL server (never another one), on a connection of its own. */
export async function dropSchemaAt(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await dropPostgresSchema((sql) => client.query(sql), schema);
  } finally {
    await client.end();
  }
}
