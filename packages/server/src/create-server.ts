import cors from 'cors';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Engine, EngineSync, FlagStore } from '@switchyard/core';
import { Authenticator } from './auth/authenticator';
import type { AuthConfig } from './config/server-config';
import { DEFAULT_BODY_LIMIT, DEFAULT_WRITE_TIMEOUT_MS } from './config/parse-config';
import { errorHandler, sendError } from './http/error-handler';
import { notFound } from './http/http-error';
import { OperationRegistry } from './http/operations';
import { ChangeFeed } from './live/change-feed';
import { createLogger } from './observability/logger';
import { requestHooks } from './http/request-hooks';
import { ServerMetrics } from './observability/metrics';
import { AuthFailureLimiter, DEFAULT_AUTH_FAILURE_LIMIT, type AuthFailureLimit } from './security/auth-failure-limiter';
import { DEFAULT_MAX_JSON_DEPTH } from './security/json-depth';
import { RedisCommandPolicy } from './security/redis-commands';
import { hostAllowList } from './security/host-allowlist';
import { originCheck } from './security/origin-check';
import { queryCredentialGuard } from './security/query-credentials';
import { DEFAULT_STREAM_LIMITS, StreamSlots, type StreamLimits } from './security/stream-limits';
import { cdsRoutes } from './routes/cds';
import { featurisRoutes } from './routes/featuris';
import { nativeRoutes } from './routes/native';
import { ofrepRoutes } from './routes/ofrep';
import { publicRoutes } from './routes/public';
import { StreamConnections, streamRoutes } from './routes/stream';
import { workertownRoutes } from './routes/workertown';
import { workflowRoutes } from './routes/workflows';
import { consoleRoutes } from './routes/console';
import { rootRoutes } from './routes/root';
import { API_SECURITY_HEADERS, pageSecurityHeaders } from './security/security-headers';
import type { WorkflowRunner } from '@switchyard/workflow';
import type { SyncTracker } from './runtime/sync-tracker';
import type { ServerContext } from './server-context';
import { SERVER_VERSION } from './version';

export interface CreateServerOptions {
  /** The engine requests evaluate on (no store I/O per evaluation). */
  engine: Engine;
  /** Where writes go; reads of stored state (lists, audit) come from here. */
  store: FlagStore;
  /** Keeps the engine equal to manifests + store; tells manifest (read-only) keys apart. */
  sync?: EngineSync;
  /** Lets writes wait until the engine reflects them (read-your-writes). */
  tracker?: SyncTracker;
  /** Credentials; none configured means every request is accepted as admin. */
  auth?: AuthConfig;
  logger?: Logger;
  metrics?: ServerMetrics;
  /** Log one line per request. Default `true`. */
  requestLogging?: boolean;
  /** Largest accepted JSON body in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** Longest a write waits for the store before answering 503. Default 5000 ms; `0` waits as long as the store does. */
  writeTimeoutMs?: number;
  /** Deepest accepted JSON nesting; deeper bodies are refused with 400 before parsing. Default 64. */
  maxJsonDepth?: number;
  /** Browser origins allowed by CORS; none (the default) sends no CORS headers at all. */
  corsOrigins?: readonly string[];
  /** Refused authentications per client address before a lockout (429). Default 20 per 60 s; `failures: 0` disables. */
  authFailureLimit?: AuthFailureLimit;
  /** Extra read-only Redis commands `redisSendCommand` may run besides the defaults (see `READ_ONLY_KEY_COMMANDS`). */
  redisCommands?: readonly string[];
  /**
   * Host names served besides loopback when no credentials are configured (DNS rebinding
   * protection); with credentials, a non-empty list is the only names served. Any port.
   */
  allowedHosts?: readonly string[];
  /** Caps on open event streams per client address (429 past it) and in total (503). */
  streamLimits?: StreamLimits;
  /** Environment for evaluations that name none (also the engine's own default). */
  environment?: string;
  /** Shown (without credentials) by `/v1/admin/info`. */
  storeUrl?: string;
  manifests?: string;
  /** Runs workflow features for `POST /v1/features/run`; without it that route answers 404. */
  workflows?: WorkflowRunner;
  /** Folder of the built admin console (`@switchyard/console`), served at `/ui`. */
  consoleDir?: string;
}

/** What `createServer` keeps for shutdown and tests, at `app.locals.switchyard`. */
export interface SwitchyardLocals {
  context: ServerContext;
  /** Ends open event streams (telling clients when to reconnect) and stops following the engine. */
  close(): void;
  /** Open event streams right now. */
  openStreams(): number;
}

/**
 * Builds the express application serving every route group over one engine and store. It does
 * not listen: hand it to `http.createServer`, supertest, or use `startServer`.
 */
export function createServer(options: CreateServerOptions): Express {
  const logger = options.logger ?? createLogger('info');
  const feed = new ChangeFeed();
  const ctx: ServerContext = {
    engine: options.engine,
    store: options.store,
    sync: options.sync,
    tracker: options.tracker,
    auth: new Authenticator(options.auth ?? { apiKeys: [], basic: [] }),
    metrics: options.metrics ?? new ServerMetrics(),
    logger,
    feed,
    // Bodies are read per operation, after authentication (see `jsonBody`), never by a global parser.
    operations: new OperationRegistry(new AuthFailureLimiter(options.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT), {
      limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      maxDepth: options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
    }),
    redisCommands: new RedisCommandPolicy(options.redisCommands),
    writeTimeoutMs: options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS,
    environment: options.environment ?? options.engine.environment,
    info: { storeUrl: options.storeUrl ?? `${options.store.name}:`, manifests: options.manifests, startedAt: new Date().toISOString(), version: SERVER_VERSION },
  };
  const stopFollowing = options.engine.onChange(({ keys }) => feed.publish(keys));
  const connections = new StreamConnections(new StreamSlots(options.streamLimits ?? DEFAULT_STREAM_LIMITS));
  const authEnabled = ctx.auth.enabled;

  const pageHeaders = pageSecurityHeaders();
  const app = express();
  app.disable('x-powered-by');
  // Responses are computed per request; OFREP's bulk endpoint sets its own ETag.
  app.set('etag', false);
  app.use(requestHooks({ logger, metrics: ctx.metrics, headers: API_SECURITY_HEADERS, log: options.requestLogging !== false }));
  // Before any route: requests for another host (DNS rebinding), cross-origin writes (CSRF) and
  // credentials in the URL are refused without reading a body or checking credentials.
  const hosts = hostAllowList({ authEnabled, allowed: options.allowedHosts ?? [] });
  if (hosts) app.use(hosts);
  app.use(originCheck({ allowed: options.corsOrigins ?? [], authEnabled }));
  app.use(queryCredentialGuard());
  if (options.corsOrigins?.length) {
    const origins = options.corsOrigins;
    app.use(cors({ origin: origins.includes('*') ? '*' : [...origins], exposedHeaders: ['ETag', 'Retry-After', 'X-Request-Id'], maxAge: 600 }));
  }

  // Evaluation routes first: they are the hot path and should not walk the other routers.
  ofrepRoutes(ctx, app);
  app.use(publicRoutes(ctx, pageHeaders));
  app.use(rootRoutes(ctx, { console: options.consoleDir !== undefined }));
  app.use(nativeRoutes(ctx));
  app.use(streamRoutes(ctx, connections));
  app.use(workflowRoutes(ctx, options.workflows));
  app.use(workertownRoutes(ctx));
  app.use(cdsRoutes(ctx));
  if (options.consoleDir) app.use(consoleRoutes(options.consoleDir, pageHeaders));
  const featuris = featurisRoutes(ctx);
  app.use(featuris.manifests);
  // Reserved prefixes never fall through to the Featuris root alias.
  app.use(['/api', '/v1', '/rest', '/ofrep', '/manifests'], (req, res) => sendError(req, res, notFound(`no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));
  app.use(featuris.rootAlias);
  app.use((req, res) => sendError(req, res, notFound(`no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));

  const locals: SwitchyardLocals = {
    context: ctx,
    close: () => {
      stopFollowing();
      connections.closeAll();
    },
    openStreams: () => connections.size,
  };
  app.locals.switchyard = locals;
  return app;
}
