import path from 'node:path';
import { stat } from 'node:fs/promises';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createEngine, formatDiagnostic, isValidationError, summarizeDiagnostics, type Engine, type EngineSync, type FlagDefinition, type FlagStore, type ValidatorSource } from '@switchyard/core';
import { createRuntime as createManifestRuntime, isRuntimeStartError, resolveValidators, type Runtime, type RuntimeManifests } from '@switchyard/manifest';
import { createAcceptanceSources, describeAcceptanceSource } from '../acceptance/acceptance-config';
import { shadowedFlagSets } from '../routes/featuris';
import { openStore, redactUrl } from '@switchyard/stores';
import { createWorkflowRunner, isWorkflowDefinitionError, type WorkflowRunner } from '@switchyard/workflow';
import { createServer, type SwitchyardLocals } from '../create-server';
import type { ServerConfig } from '../config/server-config';
import { createLogger } from '../observability/logger';
import { credentialSecrets, weakSecrets } from '../security/key-strength';
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

export interface ServerRuntimeOptions {
  logger?: Logger;
  /** Log one line per request. Default `true`. */
  requestLogging?: boolean;
  /** Node's default process metrics in `/metrics`. Default `true`. */
  defaultMetrics?: boolean;
  /** Folder of the built admin console to serve at `/ui` (e.g. `consoleDistDir` of `@switchyard/console`). */
  consoleDir?: string;
  /**
   * Custom value validators for `{ validator: name }` validations, besides those registered
   * process-wide with `registerValidator`. A manifest naming a validator found in neither, or a
   * `{ module, call }` that cannot be loaded, stops the start with a `StartupError` naming the flag.
   */
  validators?: ValidatorSource;
}

/** @deprecated Renamed `ServerRuntimeOptions`. */
export type RuntimeOptions = ServerRuntimeOptions;

/** Thrown when the runtime cannot start (store unreachable, manifests invalid); the message is one line. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * Opens the store, loads (and watches) the manifests, synchronizes the engine with both (the
 * manifest package's `createRuntime`) and builds the app. Invalid manifests at startup stop it
 * with a `StartupError`; later invalid edits are logged and the last good set stays in force.
 */
export async function createServerRuntime(config: ServerConfig, options: ServerRuntimeOptions = {}): Promise<ServerRuntime> {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, { secrets: credentialSecrets(config.auth) });
  const weak = weakSecrets(config.auth);
  if (weak.length && !config.allowWeakKeys) throw new StartupError(`weak credentials: ${weak.join('; ')}`);
  for (const problem of weak) logger.warn(`SWITCHYARD_ALLOW_WEAK_KEYS is set: starting with a weak secret (${problem.split(' (')[0]}); never do this outside tests and demos`);
  let store: FlagStore;
  try {
    store = await openStore(config.store, {
      logger: { warn: (msg, data) => logger.warn(data ?? {}, msg), error: (msg, data) => logger.error(data ?? {}, msg) },
    });
  } catch (err) {
    throw new StartupError(`cannot open store ${redactUrl(config.store)}: ${(err as Error).message}`, { cause: err });
  }
  const acceptance = config.acceptance ?? {};
  const engine = createEngine({
    environment: config.environment,
    validators: options.validators,
    acceptanceSources: createAcceptanceSources(acceptance),
    onAcceptanceError: (source, message) => logger.warn({ source }, `acceptance source "${source}" did not answer, keeping its last answer: ${message}`),
  });
  for (const [name, c] of Object.entries(acceptance)) logger.info(describeAcceptanceSource(name, c));
  const tracker = new SyncTracker();
  let runtime: Runtime;
  try {
    runtime = createManifestRuntime({ engine, store, ownsStore: true, manifests: await manifestSettings(config, engine) });
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  logRuntimeEvents(runtime, config, tracker, logger);

  let workflows: WorkflowRunner | undefined;
  try {
    await runtime.start().catch((err: unknown) => {
      throw isRuntimeStartError(err) && err.failure === 'manifests' ? manifestError(config.manifests!, err.diagnostics.map(formatDiagnostic), logger) : err;
    });
    // Ask every acceptance source now, in the background, so the first evaluations find answers.
    if (Object.keys(acceptance).length) void engine.refreshAcceptance();
    if (config.workflows) workflows = await loadWorkflows(config, store, engine, logger);
  } catch (err) {
    await workflows?.close();
    await runtime.close().catch(() => undefined);
    throw err;
  }
  const sync = runtime.sync;

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
    allowedHosts: config.allowedHosts,
    streamLimits: config.streamLimits,
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
        await workflows?.close();
        await runtime.close();
      })()),
  };
}

/**
 * @deprecated Renamed `createServerRuntime`; `createRuntime` of `@switchyard/manifest` is the
 * composition of manifests, store and engine it is built on.
 */
export const createRuntime = createServerRuntime;

/** The manifest directory as the runtime loads it: validators are resolved before a set is applied. */
async function manifestSettings(config: ServerConfig, engine: Engine): Promise<RuntimeManifests | undefined> {
  if (!config.manifests) return undefined;
  const dir = path.resolve(config.manifests);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new StartupError(`manifest directory ${config.manifests} does not exist`);
  return {
    dir,
    watch: config.watchManifests === true,
    acceptanceSources: Object.keys(config.acceptance ?? {}),
    // Custom validators (validator modules next to the manifests, registered names) are resolved
    // before a set is applied: a missing one stops the start, or keeps the last good set on a reload.
    validate: (definitions, values) => resolveValidators(definitions, { registry: engine.valueValidators, baseDir: dir, values }),
  };
}

/** Logs what the runtime reports, and lets writes wait for the sync (`tracker`). */
function logRuntimeEvents(runtime: Runtime, config: ServerConfig, tracker: SyncTracker, logger: Logger): void {
  const shadowLog = shadowLogger(logger);
  runtime.on('change', tracker.onSync);
  runtime.on('reload', (change) => {
    for (const w of change.warnings) logger.warn(formatDiagnostic(w));
    shadowLog(change.definitions);
    if (config.watchManifests) logger.info({ flags: change.definitions.length, changed: change.changedKeys.length }, 'manifests loaded');
  });
  runtime.on('error', (event) => {
    if (event.source === 'manifests') {
      for (const line of event.diagnostics.map(formatDiagnostic)) logger.error(`manifest rejected, keeping the last good set: ${line}`);
    } else if (event.source === 'store') {
      logger.warn({ err: event.error.message }, 'store sync problem; serving the last snapshot');
    } else {
      logger.error({ err: event.error.message }, 'a runtime listener failed');
    }
  });
}

/** Says once per flag set when one is named like a server route and is therefore served only under `/manifests`. */
function shadowLogger(logger: Logger): (definitions: readonly FlagDefinition[]) => void {
  const told = new Set<string>();
  return (definitions) => {
    for (const { flagSet, route } of shadowedFlagSets(definitions)) {
      if (told.has(flagSet)) continue;
      told.add(flagSet);
      logger.warn({ flagSet }, `flag set "${flagSet}" is served at /manifests/${flagSet} only: its root alias would be the server route ${route}`);
    }
  };
}

function manifestError(dir: string, lines: string[], logger: Logger): StartupError {
  if (!lines.length) lines = ['no valid manifest set'];
  for (const line of lines) logger.error(line);
  return new StartupError(summarizeDiagnostics(`manifests in ${dir} are invalid`, lines));
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
    if (isValidationError(err)) {
      throw new StartupError(`workflow settings in the config file are invalid: ${err.issues.map((i) => `workflows.${i.path.join('.')}: ${i.message}`).join('; ')}`, { cause: err });
    }
    throw err;
  }
  try {
    await runner.loadWorkflows(dir);
  } catch (err) {
    await runner.close();
    if (isWorkflowDefinitionError(err)) {
      const lines = err.diagnostics.map(formatDiagnostic);
      for (const line of lines) logger.error(line);
      throw new StartupError(summarizeDiagnostics(`workflows in ${config.workflows} are invalid`, lines, ''));
    }
    throw new StartupError(`cannot load workflows from ${config.workflows}: ${(err as Error).message}`, { cause: err });
  }
  logger.info({ workflows: runner.list().length }, 'workflows loaded');
  return runner;
}
