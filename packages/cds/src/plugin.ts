import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FeatureTogglesConfigError } from './errors';
import { setToggles } from './current';
import { FeatureToggles, type ToggleLogger } from './feature-toggles';
import { parseSettings, type FeatureTogglesSettings } from './settings';
import { parseUpdateBody } from './update-body';

/** A CAP request, as the FeatureService handlers use it. */
interface CdsRequest {
  data: unknown;
  reply(value?: unknown): unknown;
  error(error: Record<string, unknown>): unknown;
}

interface CdsService {
  name: string;
  on(event: string, handler: (req: CdsRequest) => unknown): unknown;
}

type Csn = { definitions: Record<string, Record<string, unknown> | undefined> };
type Middleware = (req: { headers: Record<string, unknown>; features?: unknown }, res: unknown, next: (err?: unknown) => void) => void;

/** The parts of `@sap/cds` the plugin uses (so it can be tested against a CAP-shaped harness, too). */
export interface CdsFacade {
  env: { featureToggles?: unknown; requires?: Record<string, unknown>; profiles?: readonly string[] };
  root: string;
  cli?: { command?: string };
  context?: { user?: { id?: string; features?: unknown }; tenant?: string } | undefined;
  middlewares: { add(fn: Middleware, options?: { before?: string }): unknown };
  on(event: 'loaded', fn: (csn: Csn) => void): unknown;
  on(event: 'serving', fn: (srv: CdsService) => void): unknown;
  on(event: 'shutdown', fn: () => unknown): unknown;
  log?(name: string): { info(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void };
}

/** A scope callback (`ftsScopeCallback`): the scope map CAP feature toggles are read with, per request and toggle. */
export type FtsScopeCallback = (context: CdsFacade['context'], key: string) => Record<string, unknown> | undefined;

const SERVICE = 'FeatureService';
/** The FeatureService operations by access level, as cds-feature-toggles groups them. */
export const SERVICE_ENDPOINTS = {
  read: [`${SERVICE}.state`, `${SERVICE}.redisRead`],
  write: [`${SERVICE}.redisUpdate`],
  admin: [`${SERVICE}.redisSendCommand`],
} as const;

const defaultScope: FtsScopeCallback = (context) => ({ user: context?.user?.id, tenant: context?.tenant });

/**
 * The CAP plugin: `cds-plugin.js` calls this with `@sap/cds`. When the module loads it reads
 * `cds.featureToggles` (an invalid setting stops the start) and applies the access-role settings to
 * the FeatureService model; `activate()` (when the app is served) reads the toggle configuration,
 * opens the store, serves the FeatureService handlers and, with `cds.requires.toggles`, provides
 * the feature vector (`req.features`) from the `/fts/<feature>` toggles.
 */
export function cdsPlugin(cds: CdsFacade): { activate(): Promise<void>; settings: FeatureTogglesSettings } {
  const settings = parseSettings(cds.env.featureToggles);
  applyAccessRoles(cds, settings);
  return {
    settings,
    async activate() {
      if (cds.cli?.command !== undefined && cds.cli.command !== 'serve') return;
      const log = cds.log?.('feature-toggles');
      const logger: ToggleLogger = { info: (m) => log?.info(m), warn: (m) => log?.warn(m), error: (m) => log?.error(m) };
      const toggles = await FeatureToggles.initialize({ root: cds.root, settings, requires: cds.env.requires ?? {}, logger });
      setToggles(toggles);
      cds.on('serving', (srv) => {
        if (srv.name === SERVICE) serveFeatureService(srv, toggles);
      });
      // CAP awaits the promises its 'shutdown' listeners return before the process exits.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the returned promise is awaited by cds
      cds.on('shutdown', () => {
        setToggles(undefined);
        return toggles.close();
      });
      if (cds.env.requires?.toggles && toggles.ftsFeatures().length) {
        const scopeOf = settings.ftsScopeCallback ? await loadScopeCallback(cds.root, settings.ftsScopeCallback) : defaultScope;
        cds.middlewares.add(featureVectorProvider(cds, toggles, scopeOf), { before: 'ctx_model' });
      }
    },
  };
}

/** Sets `@requires` of the FeatureService operations from the role settings, once the model is loaded. */
function applyAccessRoles(cds: CdsFacade, settings: FeatureTogglesSettings): void {
  const roles = {
    read: settings.readAccessRoles ?? settings.serviceAccessRoles,
    write: settings.writeAccessRoles ?? settings.serviceAccessRoles,
    admin: settings.adminAccessRoles,
  };
  if (!roles.read && !roles.write && !roles.admin) return;
  cds.on('loaded', (csn) => {
    if (!csn.definitions[SERVICE]) return;
    for (const access of ['read', 'write', 'admin'] as const) {
      const required = roles[access];
      if (!required) continue;
      for (const name of SERVICE_ENDPOINTS[access]) {
        const definition = csn.definitions[name];
        if (definition) definition['@requires'] = [...required];
      }
    }
  });
}

/** The FeatureService handlers: state, redisRead, redisUpdate, redisSendCommand. */
export function serveFeatureService(srv: CdsService, toggles: FeatureToggles): void {
  srv.on('state', (req) => req.reply(toggles.state()));
  srv.on('redisRead', async (req) => {
    try {
      req.reply(await toggles.remoteState());
    } catch (err) {
      req.error(failure(err, 'redis read'));
    }
  });
  srv.on('redisUpdate', async (req) => {
    const parsed = parseUpdateBody(req.data);
    if ('errors' in parsed) {
      for (const message of parsed.errors) req.error(validationError(message));
      return;
    }
    let problems;
    try {
      problems = await toggles.changeFeatureValues(parsed.updates);
    } catch (err) {
      req.error(failure(err, 'redis update'));
      return;
    }
    if (problems.length) {
      for (const p of problems) req.error(validationError(p.errorMessage));
      return;
    }
    req.reply();
  });
  srv.on('redisSendCommand', async (req) => {
    const command = (req.data as { command?: unknown } | null)?.command;
    if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string')) {
      req.error({ code: 400, message: "the body needs a 'command' field: a non-empty list of strings, e.g. [\"INFO\"]" });
      return;
    }
    const result = await toggles.sendCommand(command);
    if ('status' in result) {
      req.error({ code: result.status, message: result.message });
      return;
    }
    req.reply(typeof result.reply === 'string' ? result.reply : JSON.stringify(result.reply));
  });
}

/** The Feature Vector Provider: `req.features` = the `/fts/<feature>` toggles that are truthy for the request's scope. */
export function featureVectorProvider(cds: CdsFacade, toggles: FeatureToggles, scopeOf: FtsScopeCallback): Middleware {
  const features = toggles.ftsFeatures();
  const headerFeatures = cds.env.profiles?.includes('development') ?? false;
  return function switchyard_feature_provider(req, _res, next) {
    try {
      const context = cds.context;
      if (headerFeatures && typeof req.headers.features === 'string') req.features = req.headers.features;
      else if (context?.user?.features) req.features = context.user.features;
      else req.features = features.filter(({ key }) => Boolean(toggles.getFeatureValue(key, scopeOf(context, key)))).map((f) => f.feature);
      next();
    } catch (err) {
      next(err);
    }
  };
}

async function loadScopeCallback(root: string, file: string): Promise<FtsScopeCallback> {
  const resolved = path.resolve(root, file);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(resolved).href)) as { default?: unknown };
  } catch (err) {
    throw new FeatureTogglesConfigError([`cds.featureToggles.ftsScopeCallback: cannot load ${resolved}: ${(err as Error).message.split('\n')[0]}`]);
  }
  const fn = typeof mod.default === 'function' ? mod.default : typeof mod === 'function' ? mod : undefined;
  if (typeof fn !== 'function') throw new FeatureTogglesConfigError([`cds.featureToggles.ftsScopeCallback: ${resolved} must export a function (context, key) => scopeMap`]);
  return fn as FtsScopeCallback;
}

/** A 422 in the shape cds-feature-toggles answers with. */
function validationError(message: string): Record<string, unknown> {
  return { code: 422, message, '@Common.numericSeverity': 4 };
}

function failure(err: unknown, what: string): Record<string, unknown> {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'STORE_UNAVAILABLE') return { code: 503, message: `the feature toggle store is unavailable during ${what}: ${(err as Error).message}` };
  return { code: 500, message: `unexpected error during ${what}: ${err instanceof Error ? err.message : String(err)}` };
}
