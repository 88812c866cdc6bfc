import path from 'node:path';
import { stat } from 'node:fs/promises';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createEngine, EngineSync, ValidationError, type Engine, type FlagStore } from '@switchyard/core';
import { formatDiagnostic, watch, loadManifests, type ManifestWatcher } from '@switchyard/manifest';
import { openStore, redactUrl } from '@switchyard/stores';
import { createWorkflowRunner, formatWorkflowDiagnostic, WorkflowDefinitionError, type WorkflowRunner } from '@switchyard/workflow';
import { createServer, type SwitchyardLocals } from '../create-server';
import type { ServerConfig } from '../config/server-config';
import { createLogger } from '../observability/logger';
import { ServerMetrics } from '../observability/metrics';
import { SyncTracker } from './sync-tracker';
import { workflowRunnerSettings } from './workflow-options';

/** Engine, store, sync, manifests and the app, wired together but not listening. */
export interface ServerRuntime {
  app: Express;
  engine: Engine;
  store: FlagStore;
  sync: EngineSync;
  logger: Logger;
  /** Stops watching, following and streaming, then closes the store. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  /** Log one line per request. Default `true`. */
  requestLogging?: boolean;
  /** Node's default process metrics in `/metrics`. Default `true`. */
  defaultMetrics?: boolean;
  /** Folder of the built admin console to serve at `/ui` (e.g. `consoleDistDir` of `@switchyard/console`). */
  consoleDir?: string;
}

/** Thrown when the runtime cannot start (store unreachable, manifests invalid); the message is one line. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/**
 * Opens the store, loads (and watches) the manifests, synchronizes the engine with both and builds
 * the app. Invalid manifests at startup stop it with a `StartupError`; later invalid edits are
 * logged and the last good set stays in force.
 */
export async function createRuntime(config: ServerConfig, options: RuntimeOptions = {}): Promise<ServerRuntime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  let store: FlagStore;
  try {
    store = await openStore(config.store, {
      logger: { warn: (msg, data) => logger.warn(data ?? {}, msg), error: (msg, data) => logger.error(data ?? {}, msg) },
    });
  } catch (err) {
    throw new StartupError(`cannot open store ${redactUrl(config.store)}: ${(err as Error).message}`, { cause: err });
  }
  const engine = createEngine({ environment: config.environment });
  const tracker = new SyncTracker();
  const sync = new EngineSync(engine, store, {
    onSync: tracker.onSync,
    onError: (err) => logger.warn({ err: err.message }, 'store sync problem; serving the last snapshot'),
  });

  let watcher: ManifestWatcher | undefined;
  let workflows: WorkflowRunner | undefined;
  try {
    if (config.manifests) watcher = await loadBase(config, sync, logger);
    await sync.start();
    if (config.workflows) workflows = await loadWorkflows(config, store, engine, logger);
  } catch (err) {
    await watcher?.close();
    await workflows?.close();
    sync.stop();
    await store.close().catch(() => undefined);
    throw err;
  }

  const app = createServer({
    engine,
    store,
    sync,
    tracker,
    auth: config.auth,
    logger,
    metrics: new ServerMetrics({ defaultMetrics: options.defaultMetrics }),
    requestLogging: options.requestLogging,
    bodyLimit: config.bodyLimit,
    corsOrigins: config.corsOrigins,
    authFailureLimit: config.authFailureLimit,
    redisCommands: config.redisCommands,
    writeTimeoutMs: config.writeTimeoutMs,
    environment: config.environment,
    storeUrl: redactUrl(config.store),
    manifests: config.manifests,
    workflows,
    consoleDir: options.consoleDir,
  });

  let closed: Promise<void> | undefined;
  return {
    app,
    engine,
    store,
    sync,
    logger,
    close: () =>
      (closed ??= (async () => {
        (app.locals.switchyard as SwitchyardLocals).close();
        await watcher?.close();
        await workflows?.close();
        sync.stop();
        await store.close();
      })()),
  };
}

async function loadBase(config: ServerConfig, sync: EngineSync, logger: Logger): Promise<ManifestWatcher | undefined> {
  const dir = path.resolve(config.manifests!);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new StartupError(`manifest directory ${config.manifests} does not exist`);
  if (!config.watchManifests) {
    const loaded = await loadManifests(dir);
    if (loaded.errors.length) throw manifestError(config.manifests!, loaded.errors.map(formatDiagnostic), logger);
    for (const w of loaded.warnings) logger.warn(formatDiagnostic(w));
    sync.setBase(loaded.definitions, loaded.values);
    return undefined;
  }
  let firstErrors: string[] | undefined;
  let ready = false;
  const watcher = await watch(
    dir,
    (change) => {
      sync.setBase(change.definitions, change.values);
      for (const w of change.warnings) logger.warn(formatDiagnostic(w));
      logger.info({ flags: change.definitions.length, changed: change.changedKeys.length }, 'manifests loaded');
    },
    {
      onError: (diagnostics) => {
        const lines = diagnostics.map(formatDiagnostic);
        if (!ready) firstErrors = lines;
        else for (const line of lines) logger.error(`manifest rejected, keeping the last good set: ${line}`);
      },
    },
  );
  ready = true;
  if (!watcher.current()) {
    await watcher.close();
    throw manifestError(config.manifests!, firstErrors ?? ['no valid manifest set'], logger);
  }
  return watcher;
}

function manifestError(dir: string, lines: string[], logger: Logger): StartupError {
  for (const line of lines) logger.error(line);
  return new StartupError(`manifests in ${dir} are invalid: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : ''}`);
}

/** Loads every workflow of `config.workflows`; invalid definitions stop the server like invalid manifests. */
async function loadWorkflows(config: ServerConfig, store: FlagStore, engine: Engine, logger: Logger): Promise<WorkflowRunner> {
  const dir = path.resolve(config.workflows!);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new StartupError(`workflow directory ${config.workflows} does not exist`);
  let runner: WorkflowRunner;
  try {
    runner = createWorkflowRunner({
      ...workflowRunnerSettings(config),
      store,
      engine,
      // Flags may be created through the API after startup: a gate naming a flag that does not
      // exist yet is logged here and fails its step (FLAG_NOT_FOUND) until the flag exists.
      flagsKnownAtLoad: false,
      logger: {
        info: (msg: string, data?: object) => logger.info(data ?? {}, msg),
        warn: (msg: string, data?: object) => logger.warn(data ?? {}, msg),
        error: (msg: string, data?: object) => logger.error(data ?? {}, msg),
      },
    });
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new StartupError(`workflow settings in the config file are invalid: ${err.issues.map((i) => `workflows.${i.path.join('.')}: ${i.message}`).join('; ')}`, { cause: err });
    }
    throw err;
  }
  try {
    await runner.loadWorkflows(dir);
  } catch (err) {
    await runner.close();
    if (err instanceof WorkflowDefinitionError) {
      const lines = err.diagnostics.map(formatWorkflowDiagnostic);
      for (const line of lines) logger.error(line);
      throw new StartupError(`workflows in ${config.workflows} are invalid: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''}`);
    }
    throw new StartupError(`cannot load workflows from ${config.workflows}: ${(err as Error).message}`, { cause: err });
  }
  logger.info({ workflows: runner.list().length }, 'workflows loaded');
  return runner;
}
