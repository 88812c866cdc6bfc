import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authEnabled, isLoopback, type ServerConfig } from '../config/server-config';
import { redactUrl } from '@switchyard/stores';
import { createServerRuntime, type ServerRuntimeOptions, type ServerRuntime } from './runtime';
import type { SwitchyardLocals } from '../create-server';
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../config/security-options';

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  server: Server;
  runtime: ServerRuntime;
  /**
   * Stops accepting connections, ends event streams (with a `retry:` hint), lets in-flight
   * requests and workflow runs finish (up to `graceMs`), then closes everything.
   */
  close(): Promise<void>;
}

export interface StartServerOptions extends ServerRuntimeOptions {
  /** Close on SIGTERM and SIGINT (the process then ends once nothing is left open). Default `true`. */
  handleSignals?: boolean;
  /** How long in-flight requests (and workflow runs) may take to finish on shutdown. Default 10 s. */
  graceMs?: number;
}

/**
 * Builds the runtime (store, manifests, engine, app), listens on `config.host:config.port` and
 * resolves once listening. Without credentials it warns loudly (the configuration parser already
 * refused non-loopback addresses unless `insecure`).
 */
export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const runtime = await createServerRuntime(config, options);
  const { logger } = runtime;
  const headersTimeout = config.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const requestTimeout = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // A partial request line or a slow body cannot hold a socket: headers must arrive within
  // `headersTimeout`, the whole request within `requestTimeout`, checked every second (Node checks
  // every 30 s by default, which would let a stalled request live up to 30 s longer).
  const server = createHttpServer({ headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) }, runtime.app);
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await runtime.close();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  if (!authEnabled(config.auth)) {
    const where = isLoopback(config.host) ? 'only this machine can reach it' : 'ANYONE WHO CAN REACH THIS ADDRESS HAS ADMIN ACCESS (--insecure)';
    logger.warn(`!!! NO CREDENTIALS CONFIGURED: every request is treated as admin; ${where}. Set SWITCHYARD_API_KEYS="key:admin,..." to require credentials.`);
  }
  logger.info({ url, store: redactUrl(config.store), manifests: config.manifests ?? null, environment: config.environment ?? null }, `switchyard listening on ${url}`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Event streams never finish on their own: end them first, each with a `retry:` hint and its
      // connection closed, so an idle server exits at once however many SDKs listen.
      (runtime.app.locals.switchyard as SwitchyardLocals).close();
      server.closeIdleConnections();
      // In-flight requests (workflow runs included) finish within the grace period; sockets that go
      // idle meanwhile are closed as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const timer = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 10_000);
      timer.unref();
      try {
        await closed;
      } finally {
        clearInterval(sweep);
        clearTimeout(timer);
      }
      await runtime.close();
    })());

  if (options.handleSignals !== false) {
    // A library never ends the process: once everything is closed nothing keeps it alive, and it
    // ends by itself (with exit code 1 when the shutdown failed).
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'received signal');
      close().catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exitCode = 1;
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { url, server, runtime, close };
}
