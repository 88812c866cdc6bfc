import type { FlagDefinition, ScopeMap, Validation } from '../types/flag';
import type { FlagValue } from '../types/values';

/** A problem a validator reports, in cds-feature-toggles' shape: `{0}`, `{1}` … are replaced by `errorMessageValues`. */
export interface ValidatorFailure {
  errorMessage: string;
  errorMessageValues?: readonly unknown[];
}

/** What a validator returns: nothing when the value is valid, else a message, a failure, or a list of them. */
export type ValidatorResult = string | ValidatorFailure | readonly (string | ValidatorFailure)[] | undefined | null | void;

/**
 * A custom value validator, called as cds-feature-toggles calls its validators: with the new value,
 * the scope map (`undefined` for the root value), the canonical scope key (`//` for the root) and
 * the flag key. It may be async. Throwing counts as a failure of the value.
 */
export type ValueValidator = (
  value: FlagValue,
  scopeMap: ScopeMap | undefined,
  scopeKey: string,
  flagKey: string,
) => ValidatorResult | Promise<ValidatorResult>;

/** The validations that run code: a registered name or a module. */
export type CustomValidation = Extract<Validation, { validator: string }> | Extract<Validation, { module: string }>;

export function isCustomValidation(v: Validation): v is CustomValidation {
  return 'validator' in v || 'module' in v;
}

/**
 * The id a module validation is registered under: the declaring file, the module text as written
 * and the export. Loaders (`resolveValidators` in `@switchyard/manifest`) register the function they
 * load under this id; validation looks it up the same way.
 */
export function moduleValidatorId(definition: Pick<FlagDefinition, 'source'>, validation: { module: string; call?: string }): string {
  return `module:${definition.source?.file ?? ''}|${validation.module}#${validation.call ?? ''}`;
}

/** The registry id of a custom validation: its name, or its module id. */
export function customValidatorId(definition: Pick<FlagDefinition, 'source'>, validation: CustomValidation): string {
  return 'validator' in validation ? validation.validator : moduleValidatorId(definition, validation);
}

/** How a custom validation is named in messages: the validator name, or the module's export. */
export function customValidatorLabel(validation: CustomValidation): string {
  if ('validator' in validation) return validation.validator;
  return validation.call ?? validation.module;
}

/**
 * Custom validators by name. A registry may have a parent it falls back to; every registry falls
 * back to the process-wide one `registerValidator` fills, so a name registered there is known to
 * every engine, store and server of the process.
 */
export class ValidatorRegistry {
  private readonly own = new Map<string, ValueValidator>();

  constructor(private readonly parent: ValidatorRegistry | undefined = undefined) {}

  /** Registers (or replaces) `fn` under `name`. */
  register(name: string, fn: ValueValidator): this {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('a validator name must be a non-empty string');
    if (typeof fn !== 'function') throw new TypeError(`validator "${name}" must be a function, got ${fn === null ? 'null' : typeof fn}`);
    this.own.set(name, fn);
    return this;
  }

  get(name: string): ValueValidator | undefined {
    return this.own.get(name) ?? this.parent?.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Names registered here (not in the parent). */
  names(): string[] {
    return [...this.own.keys()];
  }
}

/** The process-wide registry every other registry falls back to. */
export const globalValidators = new ValidatorRegistry();

/**
 * Registers a custom validator for the whole process, so definitions can use `{ validator: name }`:
 * engines, stores, servers and the CAP plugin all find it. Register before the server starts; a
 * definition naming a validator nobody registered stops the start.
 */
export function registerValidator(name: string, fn: ValueValidator): void {
  globalValidators.register(name, fn);
}

/** Where validators are looked up: a registry, or a plain map / object of name → function. */
export type ValidatorSource = ValidatorRegistry | ReadonlyMap<string, ValueValidator> | Readonly<Record<string, ValueValidator>>;

/** `instanceof Map` alone narrows to `Map<any, any>`; this keeps the validator types. */
const isValidatorMap = (source: ValidatorSource | undefined): source is ReadonlyMap<string, ValueValidator> => source instanceof Map;

/** A registry for any validator source (a map or object becomes a child of the process-wide registry). */
export function toValidatorRegistry(source: ValidatorSource | undefined): ValidatorRegistry {
  if (source instanceof ValidatorRegistry) return source;
  const registry = new ValidatorRegistry(globalValidators);
  if (isValidatorMap(source)) for (const [name, fn] of source) registry.register(name, fn);
  else if (source) for (const name of Object.keys(source)) registry.register(name, (source as Record<string, ValueValidator>)[name]!);
  return registry;
}

/** The validator registered under `id` in `source` or, failing that, in the process-wide registry. */
export function lookupValidator(source: ValidatorSource | undefined, id: string): ValueValidator | undefined {
  if (source instanceof ValidatorRegistry) return source.get(id);
  let fn: ValueValidator | undefined;
  if (isValidatorMap(source)) fn = source.get(id);
  else if (source && Object.prototype.hasOwnProperty.call(source, id)) fn = (source as Record<string, ValueValidator>)[id];
  return fn ?? globalValidators.get(id);
}

/** `pattern` with `{0}`, `{1}` … replaced by `values` (cds-feature-toggles' text format). */
export function formatValidatorMessage(pattern: string, values: readonly unknown[] | undefined): string {
  if (!values?.length) return pattern;
  return pattern.replace(/\{(\d+)\}/g, (match, index: string) => {
    const i = Number(index);
    return i < values.length ? String(values[i]) : match;
  });
}

/** The messages of a validator's result; an empty list means the value is valid. */
export function validatorMessages(result: ValidatorResult): string[] {
  if (result === undefined || result === null || result === '') return [];
  if (typeof result === 'string') return [result];
  if (Array.isArray(result)) return (result as readonly (string | ValidatorFailure)[]).flatMap((r) => validatorMessages(r));
  const failure = result as ValidatorFailure;
  if (typeof failure === 'object' && typeof failure.errorMessage === 'string') {
    return failure.errorMessage ? [formatValidatorMessage(failure.errorMessage, failure.errorMessageValues)] : [];
  }
  return [`validator returned ${typeof result === 'object' ? 'an object without errorMessage' : typeof result}; return a message, { errorMessage }, a list of them, or nothing`];
}
