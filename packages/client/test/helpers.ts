import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, parseServerConfig, startServer, type RunningServer } from '@switchyard/server';
import type { FlagDefinition } from '@switchyard/core';
import { afterEach } from 'vitest';
import { createClient, type ClientOptions, type SwitchyardClient } from '../src/index';

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'sy-client-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real Switchyard server on a loopback port (ephemeral unless `port` is given). */
export async function startTestServer(options: { store: string; port?: number; manifests?: string; env?: Record<string, string> }): Promise<RunningServer> {
  const argv = ['--port', String(options.port ?? 0), '--store', options.store, '--log-level', 'silent'];
  if (options.manifests) argv.push('--manifests', options.manifests);
  const parsed = parseServerConfig(argv, options.env ?? {});
  if (parsed.errors) throw new Error(parsed.errors.join('; '));
  return startServer(parsed.config, { handleSignals: false, requestLogging: false, defaultMetrics: false, logger: createLogger('silent'), graceMs: 100 });
}

/** A test server on a SQLite file in a fresh temporary directory; `stop` closes the server and removes the directory. */
export async function startSqliteServer(): Promise<{ server: RunningServer; stop: () => Promise<void> }> {
  const temp = tempDir();
  const server = await startTestServer({ store: `sqlite:${path.join(temp.dir, 'flags.db')}` });
  return {
    server,
    stop: async () => {
      await server.close();
      temp.remove();
    },
  };
}

/**
 * `createClient` for a test file: every client opened during a test is closed after it, or
 * earlier with `closeAll()` (before the server the clients use goes away).
 */
export function clientsClosedAfterEach(): ((options: ClientOptions) => SwitchyardClient) & { closeAll(): Promise<void> } {
  const clients: SwitchyardClient[] = [];
  const closeAll = async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  };
  afterEach(closeAll);
  const open = (options: ClientOptions) => {
    const c = createClient(options);
    clients.push(c);
    return c;
  };
  return Object.assign(open, { closeAll });
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `PUT /api/v1/flags/:key` on a running server. */
export async function putFlag(url: string, definition: FlagDefinition, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(`${url}/api/v1/flags/${encodeURIComponent(definition.key)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(definition),
  });
  if (res.status !== 200) throw new Error(`PUT ${definition.key}: HTTP ${res.status} ${await res.text()}`);
}

/** `POST /api/v1/values` on a running server. */
export async function postValues(url: string, updates: unknown[]): Promise<void> {
  const res = await fetch(`${url}/api/v1/values`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ updates }) });
  if (res.status !== 204) throw new Error(`POST values: HTTP ${res.status} ${await res.text()}`);
}

/** Resolves when `predicate` holds, polling every few milliseconds; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const boolFlag = (key: string, value: boolean, extra: Partial<FlagDefinition> = {}): FlagDefinition => ({
  key,
  type: 'boolean',
  fallbackValue: false,
  defaultRule: { type: 'static', value },
  ...extra,
});
