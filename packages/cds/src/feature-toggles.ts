import {
  createEngine,
  isValidationError,
  validateValueUpdatesAsync,
  type Engine,
  type EngineChange,
  type EvaluationContext,
  type FlagStore,
  type FlagValue,
  type ScopeMap,
  type ValidatorSource,
  type ValueUpdate,
} from '@switchyard/core';
import { createRuntime, formatDiagnostic, resolveValidators, type Runtime } from '@switchyard/manifest';
import { openStore, redactUrl } from '@switchyard/stores';
import { FeatureTogglesConfigError } from './errors';
import { redisCommandRefusal } from './redis-commands';
import type { FeatureTogglesSettings } from './settings';
import { cfAppUris, defaultUniqueName, storeLocation } from './store-location';
import { FTS_KEY, readToggleConfig, type ConfiguredToggle } from './toggle-config';

/** One toggle as the FeatureService's `state` and `redisRead` show it. */
export interface ToggleInfo {
  fallbackValue?: FlagValue;
  rootValue?: FlagValue;
  scopedValues?: Record<string, FlagValue>;
  config: Record<string, unknown>;
}

/** A refused change, in cds-feature-toggles' terms. */
export interface ChangeProblem {
  featureKey: string;
  errorMessage: string;
}

export interface ToggleLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface FeatureTogglesOptions {
  /** The project root (`cds.root`): `configFile`, `fts/` and validator modules resolve against it. */
  root: string;
  settings?: FeatureTogglesSettings;
  /** `cds.requires`, for the Redis binding (`redis-featureToggles` or `redis`). */
  requires?: Record<string, unknown>;
  /** A store to use instead of the one the environment names (tests, embedding). */
  store?: FlagStore;
  /** Custom validators for `{ validator: name }` besides those of `registerValidator`. */
  validators?: ValidatorSource;
  logger?: ToggleLogger;
  env?: Readonly<Record<string, string | undefined>>;
}

const SILENT: ToggleLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * cds-feature-toggles over Switchyard: the configured toggles (config file, inline config, `fts/`
 * folders) are the base definitions of an engine that follows a Switchyard store, so a change
 * made on one instance reaches every instance sharing the store (same unique name). Reads never
 * touch the store; changes are validated (type, regex, scopes, validator modules) and written all
 * or nothing.
 */
export class FeatureToggles {
  private constructor(
    readonly engine: Engine,
    readonly store: FlagStore,
    private readonly runtime: Runtime,
    private readonly toggles: ReadonlyMap<string, ConfiguredToggle>,
    private readonly applied: AppliedKeys,
  ) {}

  /** Reads the configuration, loads validator modules, opens the store and follows it. Problems with the configuration throw `FeatureTogglesConfigError`. */
  static async initialize(options: FeatureTogglesOptions): Promise<FeatureToggles> {
    const env = options.env ?? process.env;
    const settings = options.settings ?? {};
    const logger = options.logger ?? SILENT;
    const configured = await readToggleConfig({
      root: options.root,
      ...(settings.configFile !== undefined ? { configFile: settings.configFile } : {}),
      ...(settings.config !== undefined ? { config: settings.config } : {}),
      ...(cfAppUris(env) ? { appUris: cfAppUris(env) } : {}),
    });
    const engine = createEngine({ ...(options.validators ? { validators: options.validators } : {}) });
    const definitions = configured.map((t) => t.definition);
    const problems = await resolveValidators(definitions, { registry: engine.valueValidators, baseDir: options.root });
    if (problems.length) throw new FeatureTogglesConfigError(problems.map(formatDiagnostic));

    let store = options.store;
    if (!store) {
      const location = storeLocation(options.requires, settings.uniqueName ?? defaultUniqueName(env), env);
      store = await openStore(location.url, {
        ...(location.namespace ? { namespace: location.namespace } : {}),
        logger: { warn: (msg) => logger.warn(msg), error: (msg) => logger.error(msg) },
      });
      logger.info(`feature toggles use ${redactUrl(location.url)}${location.namespace ? ` (${location.namespace})` : ''} from ${location.from}`);
    }
    const applied = new AppliedKeys();
    // The configured toggles are the base; the store's values go on top. A store opened here is closed with the runtime.
    const runtime = createRuntime({ engine, store, ownsStore: !options.store, base: { definitions } });
    runtime.on('change', applied.onSync);
    runtime.on('error', (event) => {
      if (event.source !== 'manifests') logger.warn(`feature toggle state: ${event.error.message}; serving the last known values`);
    });
    await runtime.start();
    const counts = { RUNTIME: 0, FILE: 0, AUTO: 0 };
    for (const t of configured) counts[t.source]++;
    logger.info(`${configured.length} feature toggles (${counts.RUNTIME} runtime, ${counts.FILE} file, ${counts.AUTO} auto)`);
    return new FeatureToggles(engine, store, runtime, new Map(configured.map((t) => [t.definition.key, t])), applied);
  }

  /** Keys of every configured toggle. */
  getFeaturesKeys(): string[] {
    return [...this.toggles.keys()];
  }

  /** CAP feature toggles (`/fts/<feature>`): toggle key and feature name. */
  ftsFeatures(): { key: string; feature: string }[] {
    const out: { key: string; feature: string }[] = [];
    for (const key of this.toggles.keys()) {
      const match = FTS_KEY.exec(key);
      if (match) out.push({ key, feature: match[1]! });
    }
    return out;
  }

  /**
   * The value of a toggle for a scope map (`{ user, tenant, … }`): the most specific maintained
   * value, else the root value, else the fallback. An unknown key gives `null`. Never throws.
   */
  getFeatureValue(key: string, scopeMap?: Readonly<Record<string, unknown>>): FlagValue | null {
    if (!this.toggles.has(key)) return null;
    const result = this.engine.evaluate(key, contextOf(scopeMap));
    return result.value ?? this.toggles.get(key)!.definition.fallbackValue;
  }

  /** Every configured toggle with its fallback, maintained values and configuration (`GET /rest/feature/state`). */
  state(): Record<string, ToggleInfo> {
    const out: Record<string, ToggleInfo> = {};
    for (const [key, toggle] of this.toggles) {
      const info: ToggleInfo = { fallbackValue: toggle.definition.fallbackValue, config: toggle.config };
      const values = this.engine.valuesOf(key);
      if (values?.rootValue !== undefined) info.rootValue = values.rootValue;
      if (values?.scopedValues && Object.keys(values.scopedValues).length) info.scopedValues = values.scopedValues;
      out[key] = info;
    }
    return out;
  }

  /** Every key with maintained values in the store, configured or not (`POST /rest/feature/redisRead`). */
  async remoteState(): Promise<Record<string, ToggleInfo>> {
    const values = await this.store.listValues();
    const out: Record<string, ToggleInfo> = {};
    for (const key of Object.keys(values).sort()) {
      const stored = values[key]!;
      if (stored.rootValue === undefined && stored.scopedValues === undefined) continue;
      const toggle = this.toggles.get(key);
      const info: ToggleInfo = toggle ? { fallbackValue: toggle.definition.fallbackValue, config: toggle.config } : { config: { SOURCE: 'NONE' } };
      if (stored.rootValue !== undefined) info.rootValue = stored.rootValue;
      if (stored.scopedValues !== undefined) info.scopedValues = stored.scopedValues;
      out[key] = info;
    }
    return out;
  }

  /**
   * Applies changes all or nothing: each is validated (type, regex, allowed scopes, validator
   * modules and registered validators; inactive toggles refuse values) and the batch is written
   * only when every change is valid. `value: null` removes the value of exactly that scope;
   * `clearSubScopes` also removes the more specific ones; `remoteOnly` allows keys without
   * configuration (cleaning up legacy keys). Returns the problems; empty when applied.
   */
  async changeFeatureValues(updates: readonly ValueUpdate[]): Promise<ChangeProblem[]> {
    const inactive: ChangeProblem[] = [];
    for (const u of updates) {
      const reason = this.toggles.get(u.key)?.inactive;
      if (reason && u.value !== null) inactive.push({ featureKey: u.key, errorMessage: reason });
    }
    if (inactive.length) return inactive;
    const definitionOf = (key: string) => this.toggles.get(key)?.definition;
    const validators = this.engine.valueValidators;
    try {
      await validateValueUpdatesAsync(updates, definitionOf, validators);
    } catch (err) {
      if (!isValidationError(err)) throw err;
      return err.issues.map((issue) => ({ featureKey: keyOf(updates, issue.path), errorMessage: issue.message }));
    }
    // Read-your-writes: resolve once this instance's engine shows the change.
    const shown = this.applied.expect(updates.map((u) => u.key));
    try {
      await this.store.setValues([...updates], { definitionOf, validators, skipCustomValidators: true, seededValuesOf: (key) => this.runtime.sync.seededValues(key) });
    } catch (err) {
      shown.cancel();
      throw err;
    }
    await shown.done;
    return [];
  }

  /** cds-feature-toggles' `changeFeatureValue(key, value, scopeMap, options)`: one change; the problems, empty when applied. */
  changeFeatureValue(key: string, value: FlagValue | null, scopeMap?: ScopeMap, options: { clearSubScopes?: boolean; remoteOnly?: boolean } = {}): Promise<ChangeProblem[]> {
    return this.changeFeatureValues([
      { key, value, ...(scopeMap && Object.keys(scopeMap).length ? { scope: scopeMap } : {}), ...(options.clearSubScopes ? { clearSubScopes: true } : {}), ...(options.remoteOnly ? { remoteOnly: true } : {}) },
    ]);
  }

  /** Calls `listener` with the keys whose values or definitions changed, on this instance or (through the store) any other. Returns an unsubscribe function. */
  onChange(listener: (keys: string[]) => void): () => void {
    return this.engine.onChange((change: EngineChange) => listener(change.keys));
  }

  /** A raw Redis command (`redisSendCommand`): refused unless the store is Redis and the command is allowed. */
  async sendCommand(command: readonly string[]): Promise<{ reply: unknown } | { status: 400 | 403; message: string }> {
    if (!this.store.capabilities.sendCommand || !this.store.sendCommand) {
      return { status: 400, message: `redisSendCommand needs a Redis store; the feature toggles use the ${this.store.name} store` };
    }
    const refusal = redisCommandRefusal(command);
    if (refusal) return { status: 403, message: refusal };
    try {
      return { reply: await this.store.sendCommand([...command]) };
    } catch (err) {
      return { status: 400, message: `redis refused the command: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** Stops following the store and closes it (when it was opened here). */
  async close(): Promise<void> {
    await this.runtime.close();
  }
}

/** A scope map as an evaluation context: string values only (undefined entries, e.g. a missing tenant, are left out). */
export function contextOf(scopeMap: Readonly<Record<string, unknown>> | undefined): EvaluationContext {
  const context: EvaluationContext = {};
  if (!scopeMap) return context;
  for (const [k, v] of Object.entries(scopeMap)) {
    if (typeof v === 'string' && v !== '') context[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') context[k] = String(v);
  }
  return context;
}

function keyOf(updates: readonly ValueUpdate[], path: readonly (string | number)[]): string {
  const index = typeof path[0] === 'number' ? path[0] : 0;
  return updates[index]?.key ?? '';
}

/** Lets a write wait until the runtime has applied its keys (or a full resync), at most `timeoutMs`. */
class AppliedKeys {
  private readonly waiters = new Set<{ keys: ReadonlySet<string>; resolve: () => void }>();

  constructor(private readonly timeoutMs = 2000) {}

  readonly onSync = (keys: string[]): void => {
    const all = keys.includes('*');
    for (const w of this.waiters) if (all || keys.some((k) => w.keys.has(k))) w.resolve();
  };

  expect(keys: readonly string[]): { done: Promise<void>; cancel: () => void } {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const waiter = {
      keys: new Set(keys),
      resolve: () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      },
    };
    const timer = setTimeout(waiter.resolve, this.timeoutMs);
    timer.unref?.();
    this.waiters.add(waiter);
    return { done, cancel: waiter.resolve };
  }
}
