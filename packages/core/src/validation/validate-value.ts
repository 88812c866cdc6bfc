import { compilePattern } from '../regex/linear-regex';
import { invalidTypeMessage, valueMatchesType } from '../schema/definition-schema';
import { scopeKey as canonicalScopeKey, scopeMapProblems } from '../scope/scope-key';
import type { ValidationIssue } from '../errors/store-errors';
import type { FlagDefinition, ScopeMap } from '../types/flag';
import type { FlagValue } from '../types/values';
import {
  customValidatorId,
  customValidatorLabel,
  isCustomValidation,
  lookupValidator,
  validatorMessages,
  type CustomValidation,
  type ValidatorResult,
  type ValidatorSource,
} from './validators';

export type { ValueValidator } from './validators';

export interface ValidateValueOptions {
  /** Custom validators (`{ validator: name }`, loaded `{ module }` validations). Names not found here are looked up in the process-wide registry. */
  validators?: ValidatorSource;
  /** Run custom validators. Default `true`; `false` runs the built-in checks only (type, regex, scopes), for callers that ran the custom ones already. */
  custom?: boolean;
}

/**
 * Checks a maintained value against its definition (cds semantics): the flag's type, every `regex`
 * (tested on the value's string form), allowed `scopes`, and custom validators. `null` (removal) is
 * always valid. Returns every problem, or an empty list.
 *
 * Synchronous: an async validator cannot be awaited here and is reported as a problem; use
 * `validateValueAsync` wherever validators may be async (stores and servers do).
 */
export function validateValue(definition: FlagDefinition, value: unknown, scope?: ScopeMap, options: ValidateValueOptions = {}): ValidationIssue[] {
  const { issues, custom } = builtInChecks(definition, value, scope, options.custom !== false);
  for (const v of custom) {
    const label = customValidatorLabel(v);
    const outcome = callValidator(definition, v, value as FlagValue, scope, options.validators);
    if (outcome.kind === 'missing') issues.push(missingIssue(v));
    else if (outcome.kind === 'threw') issues.push(failedIssue(v, label, value, outcome.error));
    else if (isThenable(outcome.result)) {
      // Nobody awaits it here: keep a late rejection from becoming an unhandled one.
      Promise.resolve(outcome.result).catch(() => undefined);
      issues.push({ path: ['value'], message: `validator "${label}" is asynchronous; this check cannot wait for it (use validateValueAsync)` });
    } else pushMessages(issues, v, outcome.result as ValidatorResult);
  }
  return issues;
}

/** Like `validateValue`, awaiting async validators. */
export async function validateValueAsync(
  definition: FlagDefinition,
  value: unknown,
  scope?: ScopeMap,
  options: ValidateValueOptions = {},
): Promise<ValidationIssue[]> {
  const { issues, custom } = builtInChecks(definition, value, scope, options.custom !== false);
  if (custom.length === 0) return issues;
  const results = await Promise.all(
    custom.map(async (v) => {
      const outcome = callValidator(definition, v, value as FlagValue, scope, options.validators);
      if (outcome.kind !== 'called') return outcome;
      try {
        return { kind: 'called' as const, result: await outcome.result };
      } catch (error) {
        return { kind: 'threw' as const, error };
      }
    }),
  );
  results.forEach((outcome, i) => {
    const v = custom[i]!;
    if (outcome.kind === 'missing') issues.push(missingIssue(v));
    else if (outcome.kind === 'threw') issues.push(failedIssue(v, customValidatorLabel(v), value, outcome.error));
    else pushMessages(issues, v, outcome.result as ValidatorResult);
  });
  return issues;
}

/** Type, scope keys and regexes; the custom validations still to run (none when the value is `null` or of the wrong type). */
function builtInChecks(
  definition: FlagDefinition,
  value: unknown,
  scope: ScopeMap | undefined,
  withCustom: boolean,
): { issues: ValidationIssue[]; custom: CustomValidation[] } {
  const issues: ValidationIssue[] = [];
  for (const problem of scopeMapProblems(scope)) issues.push({ path: ['scope'], message: problem });
  for (const v of definition.validations ?? []) {
    if ('scopes' in v && scope) {
      for (const k of Object.keys(scope)) {
        if (!v.scopes.includes(k)) issues.push({ path: ['scope', k], message: `scope key "${k}" is not allowed, allowed scope keys are ${v.scopes.join(', ')}` });
      }
    }
  }
  if (value === null) return { issues, custom: [] };
  if (!valueMatchesType(definition.type, value)) {
    issues.push({ path: ['value'], message: invalidTypeMessage(definition.type, value) });
    return { issues, custom: [] };
  }
  const custom: CustomValidation[] = [];
  for (const v of definition.validations ?? []) {
    if ('regex' in v) {
      // The linear-time engine: a stored pattern cannot stall a write, whatever the value.
      const compiled = compilePattern(v.regex);
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are matched as JSON: only primitives reach `String`
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
      if (!compiled.ok || !compiled.regex.test(text)) {
        issues.push({ path: ['value'], message: v.message ?? `value "${text}" does not match validation regular expression ${v.regex}` });
      }
    } else if (withCustom && isCustomValidation(v)) custom.push(v);
  }
  return { issues, custom };
}

type Outcome = { kind: 'missing' } | { kind: 'threw'; error: unknown } | { kind: 'called'; result: unknown };

function callValidator(
  definition: FlagDefinition,
  v: CustomValidation,
  value: FlagValue,
  scope: ScopeMap | undefined,
  validators: ValidatorSource | undefined,
): Outcome {
  const fn = lookupValidator(validators, customValidatorId(definition, v));
  if (!fn) return { kind: 'missing' };
  const scopeMap = scope && Object.keys(scope).length ? scope : undefined;
  try {
    return { kind: 'called', result: fn(value, scopeMap, canonicalScopeKey(scopeMap), definition.key) };
  } catch (error) {
    return { kind: 'threw', error };
  }
}

function missingIssue(v: CustomValidation): ValidationIssue {
  const message =
    'validator' in v
      ? `validator "${v.validator}" is not registered`
      : `validator module "${v.module}"${v.call ? ` (export "${v.call}")` : ''} is not loaded`;
  return { path: ['value'], message };
}

function failedIssue(v: CustomValidation, label: string, value: unknown, error: unknown): ValidationIssue {
  const reason = error instanceof Error ? error.message : String(error);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are shown as JSON: only primitives reach `String`
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return { path: ['value'], message: v.message ?? `registered validator "${label}" failed for value "${text}" with error ${reason}` };
}

function pushMessages(issues: ValidationIssue[], v: CustomValidation, result: ValidatorResult): void {
  const messages = validatorMessages(result);
  if (messages.length === 0) return;
  if (v.message) issues.push({ path: ['value'], message: v.message });
  else for (const message of messages) issues.push({ path: ['value'], message });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
