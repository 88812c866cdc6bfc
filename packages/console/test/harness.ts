import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { Authenticator, createServerRuntime, type ServerConfig, type ServerRuntime, type SwitchyardLocals } from '@switchyard/server';
import { consoleDistDir } from '../index.js';

export const ADMIN_KEY = 'admin-key-for-console-tests';
export const READ_KEY = 'read-key-for-console-tests';
export const WRITER = { username: 'ops', password: 'ops-password', role: 'write' as const };

export interface Harness {
  url: string;
  runtime: ServerRuntime;
  server: Server;
  /** When false, `/api/v1/whoami` answers 404 (a server without it), to test the console's fallback. */
  whoami: { enabled: boolean };
  /** A native API call as the admin. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Serve the workflow features in `dir`, with these per-environment settings (as the config file's `workflows`). */
  workflows?: { dir: string; environments: Record<string, Record<string, unknown>> };
  /** Start with no credentials configured (the laptop default): everyone on loopback is admin. */
  open?: boolean;
}

/**
 * The reference server on a fresh SQLite file with the example checkout manifest, and the console
 * mounted at `/ui` exactly as the server is to mount it (static files + SPA fallback, helmet's CSP).
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-console-'));
  const manifests = join(dir, 'manifests');
  mkdirSync(manifests);
  copyFileSync(new URL('../../../examples/manifests/checkout.yaml', import.meta.url), join(manifests, 'checkout.yaml'));
  const config: ServerConfig = {
    port: 0,
    host: '127.0.0.1',
    manifests,
    store: `sqlite:///${join(dir, 'switchyard.db')}`,
    insecure: false,
    auth: options.open
      ? { apiKeys: [], basic: [] }
      : {
          apiKeys: [
            { key: ADMIN_KEY, role: 'admin' },
            { key: READ_KEY, role: 'read' },
          ],
          basic: [WRITER],
        },
    bodyLimit: 1024 * 1024,
    logLevel: 'silent',
    watchManifests: false,
    // The test peers listen on loopback, which workflow requests may reach only when allowed.
    ...(options.workflows ? { workflows: options.workflows.dir, workflowSettings: { environments: options.workflows.environments, network: { allowPrivate: ['127.0.0.1'] } } } : {}),
  };
  const runtime = await createServerRuntime(config, { requestLogging: false, defaultMetrics: false });
  const whoami = { enabled: true };
  const auth = new Authenticator(config.auth);
  const locals = runtime.app.locals.switchyard as SwitchyardLocals;
  const serverHasWhoami = locals.context.operations.operations.some((o) => o.path === '/api/v1/whoami');

  const app = express();
  // The role endpoint the console asks the server for; served here until the server has its own.
  app.get('/api/v1/whoami', async (req, res, next) => {
    if (!whoami.enabled) return void res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no route for GET /api/v1/whoami' } });
    if (serverHasWhoami) return next();
    const result = await auth.authenticate(req.headers);
    if (result.kind !== 'ok') return void res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'credentials are required' } });
    res.json({ id: result.principal.id, role: result.principal.role, via: result.principal.via });
  });
  // What the server needs to add (see the console README).
  app.use('/ui', helmet(), express.static(consoleDistDir, { index: false, maxAge: '1y', immutable: true }));
  app.get(['/ui', '/ui/*splat'], helmet(), (_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile('index.html', { root: consoleDistDir });
  });
  app.use(runtime.app);

  const server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  return {
    url,
    runtime,
    server,
    whoami,
    api,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
