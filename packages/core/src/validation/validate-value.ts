import { compilePattern } from '../regex/linear-regex';
import { invalidTypeMessage, valueMatchesType } from '../schema/definition-schema';
import { scopeMapProblems } from '../scope/scope-key';
import type { ValidationIssue } from '../errors/store-errors';
import type { FlagDefinition, ScopeMap } from '../types/flag';

/**
 * A custom validator, registered by name and referenced from a definition's `validations`.
 * It returns a message when the value is invalid, else nothing.
 */
export type ValueValidator = (value: unknown, scope: ScopeMap | undefined, key: string) => string | undefined | void;

export interface ValidateValueOptions {
  validators?: ReadonlyMap<string, ValueValidator> | Record<string, ValueValidator>;
}

/**
 * Checks a maintained value against its definition (cds semantics): the flag's type, every `regex`
 * (tested on the value's string form), allowed `scopes`, and custom validators. `null` (removal) is
 * always valid. Returns every problem, or an empty list.
 */
export function validateValue(
  definition: FlagDefinition,
  value: unknown,
  scope?: ScopeMap,
  options: ValidateValueOptions = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const problem of scopeMapProblems(scope)) issues.push({ path: ['scope'], message: problem });
  for (const v of definition.validations ?? []) {
    if ('scopes' in v && scope) {
      for (const k of Object.keys(scope)) {
        if (!v.scopes.includes(k)) issues.push({ path: ['scope', k], message: `scope key "${k}" is not allowed, allowed scope keys are ${v.scopes.join(', ')}` });
      }
    }
  }
  if (value === null) return issues;
  if (!valueMatchesType(definition.type, value)) {
    issues.push({ path: ['value'], message: invalidTypeMessage(definition.type, value) });
    return issues;
  }
  for (const v of definition.validations ?? []) {
    if ('regex' in v) {
      // The linear-time engine: a stored pattern cannot stall a write, whatever the value.
      const compiled = compilePattern(v.regex);
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
      if (!compiled.ok || !compiled.regex.test(text)) {
        issues.push({ path: ['value'], message: v.message ?? `value "${text}" does not match validation regular expression ${v.regex}` });
      }
    } else if ('validator' in v) {
      const fn = lookup(options.validators, v.validator);
      if (!fn) {
        issues.push({ path: ['value'], message: `validator "${v.validator}" is not registered` });
        continue;
      }
      let message: string | undefined | void;
      try {
        message = fn(value, scope, definition.key);
      } catch (err) {
        message = `validator "${v.validator}" failed: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (message) issues.push({ path: ['value'], message: v.message ?? message });
    }
  }
  return issues;
}

function lookup(
  validators: ValidateValueOptions['validators'],
  name: string,
): ValueValidator | undefined {
  if (!validators) return undefined;
  if (validators instanceof Map) return validators.get(name);
  const record = validators as Record<string, ValueValidator>;
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}
