import { compileFlagLazily, type CompiledFlag } from '../compile/compile-flag';
import { DEFAULT_SCOPE_ORDER } from '../compile/compile-scoped';
import { EMPTY_METADATA } from '../compile/results';
import { ValidationError, type ValidationIssue } from '../errors/store-errors';
import { safeParseDefinition } from '../schema/parse-definition';
import { validateValue, validateValueAsync } from '../validation/validate-value';
import { toValidatorRegistry, type ValidatorRegistry, type ValidatorSource, type ValueValidator } from '../validation/validators';
import type { EvaluateOptions, EvaluationContext } from '../types/context';
import type { ErrorCode, EvaluationDetails } from '../types/evaluation';
import type { FlagDefinition, MaintainedValues, ScopeMap } from '../types/flag';
import type { FlagValue, FlagValueOf, JsonObject, JsonValue } from '../types/values';
import { AcceptanceCache, type AcceptanceSource } from './acceptance';
import { findPrerequisiteCycle } from './prerequisites';
import { evaluatorFor, notFound, Snapshot } from './snapshot';

export interface EngineOptions {
  /** Environment whose rules apply when a call names none. Without it, the default rule applies. */
  environment?: string;
  /** Milliseconds since the epoch; injectable for tests and replays. Default `Date.now`. */
  clock?: () => number;
  acceptanceSources?: Record<string, AcceptanceSource>;
  /** How long an acceptance answer is reused before it is refreshed in the background. Default 60 s. */
  acceptanceTtlMs?: number;
  /** Told when an acceptance source fails to answer (the last answer stays in force), e.g. to log it. */
  onAcceptanceError?: (source: string, message: string) => void;
  /**
   * Custom value validators referenced by name from definitions' `validations`: a registry, or an
   * object / map of name → function. Names not found fall back to the process-wide `registerValidator`.
   */
  validators?: ValidatorSource;
  /** Precedence of scope dimensions for flags without a `scopes` validation. Default `user`, `tenant`. */
  scopeOrder?: string[];
}

/** Everything the engine evaluates: definitions and the maintained values of their keys. */
export interface EngineSnapshot {
  definitions: readonly FlagDefinition[];
  values?: Readonly<Record<string, MaintainedValues>>;
}

export interface LoadOptions {
  /** Validate definitions with the schema first (default). Skip only for input validated already. */
  validate?: boolean;
}

/** Keys whose evaluation may have changed, and why. */
export interface EngineChange {
  keys: string[];
  /** `load`: everything was replaced (keys = old and new keys); `definitions`: upsert/remove; `values`: maintained values; `acceptance`: an acceptance answer changed. */
  cause: 'load' | 'definitions' | 'values' | 'acceptance';
}

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/**
 * The evaluation engine: compiles definitions once into evaluator functions and evaluates them
 * against contexts. Evaluation never throws; problems come back as `reason: 'ERROR'` with an error
 * code. Changes replace the compiled snapshot atomically.
 */
export class Engine {
  private snapshot: Snapshot;
  private readonly values = new Map<string, MaintainedValues>();
  private readonly listeners = new Set<(change: EngineChange) => void>();
  private readonly acceptance: AcceptanceCache;
  private readonly clock: () => number;
  private readonly scopeOrder: readonly string[];
  private readonly validators: ValidatorRegistry;
  readonly environment: string | undefined;

  constructor(options: EngineOptions = {}) {
    this.environment = options.environment;
    this.clock = options.clock ?? Date.now;
    this.scopeOrder = options.scopeOrder ?? DEFAULT_SCOPE_ORDER;
    this.validators = toValidatorRegistry(options.validators);
    this.acceptance = new AcceptanceCache(
      options.acceptanceSources ?? {},
      this.clock,
      options.acceptanceTtlMs ?? 60_000,
      (keys) => this.emit(keys, 'acceptance'),
      options.onAcceptanceError,
    );
    this.snapshot = new Snapshot(new Map(), this.environment);
  }

  /** Replaces every definition and value at once. Invalid input throws `ValidationError` and changes nothing. */
  load(input: EngineSnapshot, options: LoadOptions = {}): void {
    const definitions = this.checked(input.definitions, options, true);
    const previous = this.snapshot.flags;
    this.values.clear();
    for (const [k, v] of Object.entries(input.values ?? {})) this.values.set(k, v);
    const flags = new Map<string, CompiledFlag>();
    for (const d of definitions) flags.set(d.key, this.compile(d));
    this.swap(flags);
    // Listing 100,000 keys is worth it only when someone listens.
    if (this.listeners.size > 0) this.emit([...new Set<string>([...previous.keys(), ...flags.keys()])], 'load');
  }

  /** Adds or replaces definitions (validated unless told otherwise). */
  upsert(definitions: readonly FlagDefinition[], options: LoadOptions = {}): void {
    const checked = this.checked(definitions, options, false);
    const flags = new Map(this.snapshot.flags);
    for (const d of checked) flags.set(d.key, this.compile(d));
    const cycle = findPrerequisiteCycle([...flags.values()].map((f) => f.definition));
    if (cycle) throw new ValidationError([{ path: [cycle[0]!, 'prerequisites'], message: `prerequisite cycle: ${cycle.join(' → ')}` }]);
    this.swap(flags);
    this.emit(checked.map((d) => d.key), 'definitions');
  }

  /** Removes definitions; their maintained values are kept for when they come back. */
  remove(keys: readonly string[]): void {
    const flags = new Map(this.snapshot.flags);
    const removed = keys.filter((k) => flags.delete(k));
    if (removed.length === 0) return;
    this.swap(flags);
    this.emit(removed, 'definitions');
  }

  /** Sets (or with `undefined`, forgets) the maintained values of one key. */
  setValues(key: string, values: MaintainedValues | undefined): void {
    this.setManyValues({ [key]: values });
  }

  /** Sets the maintained values of several keys in one swap. */
  setManyValues(changes: Readonly<Record<string, MaintainedValues | undefined>>): void {
    const flags = new Map(this.snapshot.flags);
    const keys = Object.keys(changes);
    for (const key of keys) {
      const v = changes[key];
      if (v === undefined) this.values.delete(key);
      else this.values.set(key, v);
      const flag = flags.get(key);
      if (flag) flags.set(key, this.compile(flag.definition));
    }
    this.swap(flags);
    this.emit(keys, 'values');
  }

  /** Evaluates one flag. Never throws. */
  evaluate(key: string, context?: EvaluationContext, options?: EvaluateOptions): EvaluationDetails<FlagValue | undefined> {
    const snapshot = this.snapshot;
    const ctx = context ?? EMPTY_CONTEXT;
    if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) return invalidContext(key);
    try {
      if (options === undefined || options.environment === undefined || options.environment === this.environment) {
        const fn = snapshot.evaluator(key);
        return fn === undefined ? notFound(key) : fn(ctx, this.environment, snapshot);
      }
      return snapshot.evaluate(key, ctx, options.environment);
    } catch (err) {
      return failure(key, undefined, 'GENERAL', err instanceof Error ? err.message : String(err));
    }
  }

  /** Evaluates every flag for one context, in definition order. Never throws. */
  evaluateAll(context?: EvaluationContext, options?: EvaluateOptions): EvaluationDetails[] {
    const snapshot = this.snapshot;
    const ctx = context ?? EMPTY_CONTEXT;
    const list = snapshot.list;
    const out = new Array<EvaluationDetails>(list.length);
    if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) {
      for (let i = 0; i < list.length; i++) {
        out[i] = failure(list[i]!.key, list[i]!.definition.fallbackValue, 'INVALID_CONTEXT', 'the evaluation context must be an object') as EvaluationDetails;
      }
      return out;
    }
    const env = options?.environment ?? this.environment;
    const fns = env === this.environment ? snapshot.currentList : list.map((f) => evaluatorFor(f, env));
    for (let i = 0; i < fns.length; i++) {
      try {
        out[i] = fns[i]!(ctx, env, snapshot);
      } catch (err) {
        out[i] = failure(list[i]!.key, list[i]!.definition.fallbackValue, 'GENERAL', err instanceof Error ? err.message : String(err)) as EvaluationDetails;
      }
    }
    return out;
  }

  boolean(key: string, defaultValue: boolean, context?: EvaluationContext, options?: EvaluateOptions): EvaluationDetails<boolean> {
    return this.typed('boolean', key, defaultValue, context, options);
  }

  string(key: string, defaultValue: string, context?: EvaluationContext, options?: EvaluateOptions): EvaluationDetails<string> {
    return this.typed('string', key, defaultValue, context, options);
  }

  number(key: string, defaultValue: number, context?: EvaluationContext, options?: EvaluateOptions): EvaluationDetails<number> {
    return this.typed('number', key, defaultValue, context, options);
  }

  object<T extends JsonObject | JsonValue[] = JsonObject>(
    key: string,
    defaultValue: T,
    context?: EvaluationContext,
    options?: EvaluateOptions,
  ): EvaluationDetails<T> {
    return this.typed('object', key, defaultValue, context, options) as EvaluationDetails<T>;
  }

  get(key: string): FlagDefinition | undefined {
    return this.snapshot.flags.get(key)?.definition;
  }

  has(key: string): boolean {
    return this.snapshot.flags.has(key);
  }

  keys(): string[] {
    return this.snapshot.list.map((f) => f.key);
  }

  definitions(): FlagDefinition[] {
    return this.snapshot.list.map((f) => f.definition);
  }

  /** Maintained values of a key, including keys without a definition. */
  valuesOf(key: string): MaintainedValues | undefined {
    return this.values.get(key);
  }

  /** Every key with maintained values. */
  allValues(): Record<string, MaintainedValues> {
    return Object.fromEntries(this.values);
  }

  /** Checks a value against a flag's definition and validations, with this engine's validators (async ones are reported; see `validateValueAsync`). */
  validateValue(key: string, value: unknown, scope?: ScopeMap): ValidationIssue[] {
    const definition = this.get(key);
    if (!definition) return [{ path: ['key'], message: `flag "${key}" not found` }];
    return validateValue(definition, value, scope, { validators: this.validators });
  }

  /** Like `validateValue`, awaiting async custom validators. */
  async validateValueAsync(key: string, value: unknown, scope?: ScopeMap): Promise<ValidationIssue[]> {
    const definition = this.get(key);
    if (!definition) return [{ path: ['key'], message: `flag "${key}" not found` }];
    return validateValueAsync(definition, value, scope, { validators: this.validators });
  }

  /** Registers a custom validator for definitions' `{ validator: name }` validations (this engine only; see `registerValidator` for the whole process). */
  registerValidator(name: string, fn: ValueValidator): this {
    this.validators.register(name, fn);
    return this;
  }

  /** This engine's custom validators (for stores validating writes the same way). */
  get valueValidators(): ValidatorRegistry {
    return this.validators;
  }

  /** Listen for changes of definitions, values or acceptance answers. Returns an unsubscribe function. */
  onChange(listener: (change: EngineChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True when an acceptance source of that name is configured; rules naming another source evaluate with `DISABLED_INTEGRATION`. */
  hasAcceptanceSource(name: string): boolean {
    return this.acceptance.has(name);
  }

  /** Fetches every acceptance answer now (at startup, or in tests). */
  refreshAcceptance(): Promise<void> {
    return this.acceptance.refreshAll();
  }

  private typed<K extends keyof FlagValueOf>(
    type: K,
    key: string,
    defaultValue: FlagValueOf[K],
    context: EvaluationContext | undefined,
    options: EvaluateOptions | undefined,
  ): EvaluationDetails<FlagValueOf[K]> {
    const r = this.evaluate(key, context, options);
    // Errors, and answers that defer to the caller's default (flagd without a default variant), serve `defaultValue`.
    if (r.errorCode !== undefined || r.value === undefined) return { ...r, value: defaultValue };
    const v = r.value;
    const ok = type === 'object' ? typeof v === 'object' && v !== null : typeof v === type;
    if (ok) return r as EvaluationDetails<FlagValueOf[K]>;
    const actual = Array.isArray(v) ? 'array' : typeof v;
    return failure(key, defaultValue, 'TYPE_MISMATCH', `flag "${key}" is a ${actual} flag, not ${type}`) as EvaluationDetails<FlagValueOf[K]>;
  }

  private compile(definition: FlagDefinition): CompiledFlag {
    return compileFlagLazily(definition, this.values.get(definition.key), {
      clock: this.clock,
      acceptance: (rule, flagKey) => this.acceptance.probe(rule, flagKey),
      scopeOrder: this.scopeOrder,
    });
  }

  private swap(flags: Map<string, CompiledFlag>): void {
    this.snapshot = new Snapshot(flags, this.environment);
    this.acceptance.retain(flags);
  }

  private checked(definitions: readonly FlagDefinition[], options: LoadOptions, whole: boolean): FlagDefinition[] {
    const issues: ValidationIssue[] = [];
    const out: FlagDefinition[] = [];
    const seen = new Set<string>();
    definitions.forEach((d, i) => {
      let def = d;
      if (options.validate !== false) {
        const parsed = safeParseDefinition(d);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) issues.push({ path: [i, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: issue.message });
          return;
        }
        def = parsed.data;
      }
      if (seen.has(def.key)) issues.push({ path: [i, 'key'], message: `flag "${def.key}" is defined twice` });
      seen.add(def.key);
      out.push(def);
    });
    if (whole && issues.length === 0) {
      const cycle = findPrerequisiteCycle(out);
      if (cycle) issues.push({ path: [cycle[0]!, 'prerequisites'], message: `prerequisite cycle: ${cycle.join(' → ')}` });
    }
    if (issues.length) throw new ValidationError(issues);
    return out;
  }

  private emit(keys: string[], cause: EngineChange['cause']): void {
    if (keys.length === 0) return;
    const change: EngineChange = { keys, cause };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A failing listener must not break the engine or the other listeners.
      }
    }
  }
}

/** Creates an evaluation engine. */
export function createEngine(options?: EngineOptions): Engine {
  return new Engine(options);
}

function failure(key: string, value: FlagValue | undefined, code: ErrorCode, message: string): EvaluationDetails<FlagValue | undefined> {
  return { key, value, reason: 'ERROR', errorCode: code, errorMessage: message, metadata: EMPTY_METADATA };
}

function invalidContext(key: string): EvaluationDetails<FlagValue | undefined> {
  return failure(key, undefined, 'INVALID_CONTEXT', 'the evaluation context must be an object');
}
