import { z } from 'zod';
import type { Condition } from '../types/condition';
import type { FlagDefinition } from '../types/flag';
import type { Rule } from '../types/rule';
import type { FlagType, FlagValue, JsonValue } from '../types/values';
import { isValidTimezone, parseInstant } from '../compile/dates';
import { operatorNames } from '../operators/registry';
import { compilePattern } from '../regex/linear-regex';
import { isReservedKey, reservedKeyMessage } from './reserved-keys';
import { conditionProblem } from './condition-checks';
import { strictObject } from './strict-object';

/**
 * Letters, digits and `_ - . / :`; cds-style keys such as `/check/priority` are valid. The reserved
 * names `__proto__`, `constructor` and `prototype` are not keys even though they fit (see `isFlagKey`).
 */
export const FLAG_KEY_PATTERN = /^[A-Za-z0-9_\-./:]{1,256}$/;

/** True when `key` follows the flag key grammar: `FLAG_KEY_PATTERN` and not a reserved name. */
export function isFlagKey(key: unknown): key is string {
  return typeof key === 'string' && FLAG_KEY_PATTERN.test(key) && !isReservedKey(key);
}

/** Why `key` is not a flag key, or `undefined`. */
export function flagKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || !FLAG_KEY_PATTERN.test(key)) return 'must be 1 to 256 letters, digits or _ - . / :';
  if (isReservedKey(key)) return reservedKeyMessage('flag key', key);
  return undefined;
}

/** Tolerance for floating-point sums of fractional weights (30 + 40 + 10.5 + 19.5). */
const WEIGHT_EPSILON = 1e-9;

export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isFinite, 'must be a finite number'),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

export const flagValueSchema: z.ZodType<FlagValue> = z.union([
  z.string(),
  z.number().refine(Number.isFinite, 'must be a finite number'),
  z.boolean(),
  z.array(jsonValueSchema),
  z.record(z.string(), jsonValueSchema),
]);

export const flagKeySchema = z
  .string()
  .regex(FLAG_KEY_PATTERN, 'must be 1 to 256 letters, digits or _ - . / :')
  .refine((key) => !isReservedKey(key), { error: (issue) => reservedKeyMessage('flag key', String(issue.input)) });

export const flagTypeSchema = z.enum(['boolean', 'string', 'number', 'object']);

const attributeConditionSchema = strictObject({
  attribute: z.string().min(1),
  operator: z.string().refine((op) => operatorNames.has(op), {
    error: (issue) => `unknown operator "${String(issue.input)}" (known: ${[...operatorNames].join(', ')})`,
  }),
  value: jsonValueSchema.optional(),
  caseInsensitive: z.boolean().optional(),
  negate: z.boolean().optional(),
});

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    attributeConditionSchema,
    strictObject({ all: z.array(conditionSchema) }),
    strictObject({ any: z.array(conditionSchema) }),
    strictObject({ not: conditionSchema }),
  ]),
);

const unleashConstraintSchema = z.strictObject({
  contextName: z.string(),
  operator: z.string().min(1),
  values: z.array(z.string()).optional(),
  value: z.string().optional(),
  inverted: z.boolean().optional(),
  caseInsensitive: z.boolean().optional(),
});

const unleashVariantSchema = z.strictObject({
  name: z.string().min(1),
  weight: z.number().int('must be a whole number').min(0, 'must not be negative'),
  stickiness: z.string().optional(),
  payload: z.strictObject({ type: z.string().min(1), value: z.string() }).optional(),
  overrides: z.array(z.strictObject({ contextName: z.string().min(1), values: z.array(z.string()) })).optional(),
});

const unleashStrategySchema = z.strictObject({
  name: z.string().min(1),
  parameters: z.record(z.string(), z.string()).optional(),
  constraints: z.array(unleashConstraintSchema).optional(),
  variants: z.array(unleashVariantSchema).optional(),
});

const percentage = z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100');
const stickiness = z.string().min(1).optional();

export const ruleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.discriminatedUnion('type', [
    strictObject({ type: z.literal('static'), value: flagValueSchema, variant: z.string().min(1).optional() }),
    strictObject({
      type: z.literal('variant'),
      variants: z
        .array(strictObject({ value: flagValueSchema, weight: percentage, name: z.string().min(1).optional() }))
        .min(1, 'needs at least one variant'),
      stickiness,
      seed: z.string().optional(),
    }),
    strictObject({
      type: z.literal('rollout'),
      percentage,
      value: flagValueSchema,
      otherwise: ruleSchema.optional(),
      stickiness,
      seed: z.string().optional(),
    }),
    strictObject({
      type: z.literal('schedule'),
      windows: z
        .array(strictObject({ from: z.string().optional(), to: z.string().optional() }))
        .min(1, 'needs at least one window'),
      timezone: z.string().optional(),
      value: flagValueSchema.optional(),
      otherwise: ruleSchema.optional(),
    }),
    strictObject({
      type: z.literal('targeting'),
      rules: z.array(strictObject({ name: z.string().optional(), when: conditionSchema, serve: ruleSchema })),
      otherwise: ruleSchema.optional(),
    }),
    strictObject({
      type: z.literal('acceptance'),
      source: z.string().min(1),
      state: z.string().min(1),
      // An acceptance rule without items could never be accepted.
      items: z.array(z.record(z.string(), jsonValueSchema)).min(1, 'needs at least one item'),
      value: flagValueSchema.optional(),
      otherwise: ruleSchema.optional(),
    }),
    z.strictObject({
      type: z.literal('flagd'),
      variants: z.record(z.string(), flagValueSchema).refine((v) => Object.keys(v).length > 0, 'needs at least one variant'),
      defaultVariant: z.string().optional(),
      targeting: jsonValueSchema.optional(),
    }),
    z.strictObject({
      type: z.literal('unleash'),
      feature: z.string().min(1),
      strategies: z.array(unleashStrategySchema),
      variants: z.array(unleashVariantSchema).optional(),
    }),
  ]),
);

export const validationSchema = z.union([
  strictObject({ regex: z.string(), message: z.string().optional() }),
  strictObject({ scopes: z.array(z.string().min(1)).min(1) }),
  strictObject({ validator: z.string().min(1), message: z.string().optional() }),
  strictObject({ module: z.string().min(1), call: z.string().min(1).optional(), message: z.string().optional() }),
]);

const definitionShape = strictObject({
  key: flagKeySchema,
  type: flagTypeSchema,
  description: z.string().optional(),
  enabled: z.boolean().optional(),
  fallbackValue: flagValueSchema,
  environments: z.record(z.string().min(1), ruleSchema).optional(),
  defaultRule: ruleSchema.optional(),
  prerequisites: z.array(strictObject({ flag: flagKeySchema, value: flagValueSchema.optional(), variants: z.array(z.string().min(1)).min(1).optional() })).optional(),
  validations: z.array(validationSchema).optional(),
  tags: z.array(z.string().min(1)).optional(),
  metadata: z.record(z.string(), jsonValueSchema).optional(),
  flagSet: z.string().optional(),
  source: strictObject({
    kind: z.enum(['manifest', 'store', 'code', 'auto']),
    file: z.string().optional(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
  }).optional(),
});

/** The zod schema of a flag definition, including the checks that span fields (types, weights, dates, regexes). */
export const flagDefinitionSchema: z.ZodType<FlagDefinition> = definitionShape.superRefine((def, ctx) => {
  checkAcrossFields(def, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
});

/** The checks that span fields of a well-shaped definition: value types, weight sums, dates, regexes, self-prerequisites. */
export function checkAcrossFields(def: FlagDefinition, add: AddIssue): void {
  checkValue(def.type, def.fallbackValue, ['fallbackValue'], add);
  for (const [env, rule] of Object.entries(def.environments ?? {})) checkRule(def.type, rule, ['environments', env], add);
  if (def.defaultRule) checkRule(def.type, def.defaultRule, ['defaultRule'], add);
  def.prerequisites?.forEach((p, i) => {
    if (p.flag === def.key) add(['prerequisites', i, 'flag'], 'a flag cannot be its own prerequisite');
  });
  def.validations?.forEach((v, i) => {
    if (!('regex' in v)) return;
    const problem = regexProblem(v.regex);
    if (problem) add(['validations', i, 'regex'], problem);
  });
}

export type AddIssue = (path: (string | number)[], message: string) => void;

/** `value "test" has invalid type string, must be number`, as cds words it. */
export function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** True when `value` can be served by a flag of `type`. */
export function valueMatchesType(type: FlagType, value: unknown): boolean {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'object':
      return typeof value === 'object' && value !== null;
  }
}

export function invalidTypeMessage(type: FlagType, value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are shown as JSON: only primitives reach `String`
  const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `value "${shown}" has invalid type ${typeOfValue(value)}, must be ${type}`;
}

function checkValue(type: FlagType, value: unknown, path: (string | number)[], add: AddIssue) {
  if (!valueMatchesType(type, value)) add(path, invalidTypeMessage(type, value));
}

function checkRule(type: FlagType, rule: Rule, path: (string | number)[], add: AddIssue): void {
  switch (rule.type) {
    case 'static':
      checkValue(type, rule.value, [...path, 'value'], add);
      return;
    case 'variant': {
      let sum = 0;
      rule.variants.forEach((v, i) => {
        checkValue(type, v.value, [...path, 'variants', i, 'value'], add);
        sum += v.weight;
      });
      // An empty list is reported by its own "at least one" check.
      if (rule.variants.length > 0 && Math.abs(sum - 100) > WEIGHT_EPSILON) {
        add([...path, 'variants'], `weights sum to ${roundForMessage(sum)}, must be 100`);
      }
      const names = new Set<string>();
      rule.variants.forEach((v, i) => {
        const name = variantName(v.value, i, v.name);
        if (names.has(name)) add([...path, 'variants', i, 'name'], `duplicate variant name "${name}"`);
        names.add(name);
      });
      return;
    }
    case 'rollout':
      checkValue(type, rule.value, [...path, 'value'], add);
      if (rule.otherwise) checkRule(type, rule.otherwise, [...path, 'otherwise'], add);
      return;
    case 'schedule': {
      const zone = rule.timezone ?? 'UTC';
      if (!isValidTimezone(zone)) add([...path, 'timezone'], `unknown time zone "${zone}"`);
      else {
        rule.windows.forEach((w, i) => {
          const from = w.from === undefined ? undefined : parseInstant(w.from, zone);
          const to = w.to === undefined ? undefined : parseInstant(w.to, zone);
          if (w.from !== undefined && !from) add([...path, 'windows', i, 'from'], `"${w.from}" is not a date (YYYY-MM-DD HH:mm:ss or ISO 8601)`);
          if (w.to !== undefined && !to) add([...path, 'windows', i, 'to'], `"${w.to}" is not a date (YYYY-MM-DD HH:mm:ss or ISO 8601)`);
          if (from && to && from.start > to.end) add([...path, 'windows', i], `window ends (${w.to}) before it starts (${w.from})`);
          if (w.from === undefined && w.to === undefined) add([...path, 'windows', i], 'a window needs from, to or both');
        });
      }
      checkInsideOutside(type, rule, path, add);
      return;
    }
    case 'targeting':
      rule.rules.forEach((clause, i) => {
        checkRule(type, clause.serve, [...path, 'rules', i, 'serve'], add);
        checkConditionValues(clause.when, [...path, 'rules', i, 'when'], add);
      });
      if (rule.otherwise) checkRule(type, rule.otherwise, [...path, 'otherwise'], add);
      return;
    case 'acceptance':
      checkInsideOutside(type, rule, path, add);
      return;
    case 'flagd':
      for (const [name, value] of Object.entries(rule.variants)) checkValue(type, value, [...path, 'variants', name], add);
      if (rule.defaultVariant !== undefined && !Object.prototype.hasOwnProperty.call(rule.variants, rule.defaultVariant)) {
        add([...path, 'defaultVariant'], `"${rule.defaultVariant}" is not one of the variants (${Object.keys(rule.variants).join(', ')})`);
      }
      return;
    case 'unleash':
      if (type !== 'boolean') add([...path, 'type'], `unleash rules serve true or false, so the flag must be boolean, not ${type}`);
      return;
  }
}

/** Schedule and acceptance rules serve `true`/`false` by default, so other types must say what they serve. */
function checkInsideOutside(type: FlagType, rule: { value?: FlagValue; otherwise?: Rule }, path: (string | number)[], add: AddIssue) {
  if (rule.value === undefined) {
    if (type !== 'boolean') add([...path, 'value'], `required for ${type} flags (only boolean flags default to true)`);
  } else checkValue(type, rule.value, [...path, 'value'], add);
  if (rule.otherwise) checkRule(type, rule.otherwise, [...path, 'otherwise'], add);
}

function checkConditionValues(condition: Condition, path: (string | number)[], add: AddIssue): void {
  if ('all' in condition) condition.all.forEach((c, i) => checkConditionValues(c, [...path, 'all', i], add));
  else if ('any' in condition) {
    if (condition.any.length === 0) add([...path, 'any'], 'an empty any never matches');
    condition.any.forEach((c, i) => checkConditionValues(c, [...path, 'any', i], add));
  }
  else if ('not' in condition) checkConditionValues(condition.not, [...path, 'not'], add);
  else if (condition.operator === 'matches') {
    const problem = typeof condition.value === 'string' ? regexProblem(condition.value, condition.caseInsensitive) : 'the matches operator needs a regular expression string';
    if (problem) add([...path, 'value'], problem);
  } else {
    const problem = conditionProblem(condition);
    if (problem) add([...path, 'value'], problem);
  }
}

function roundForMessage(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** The reported name of a variant: its explicit name, else its value for primitives, else `variant-<index>`. */
export function variantName(value: FlagValue, index: number, name?: string): string {
  if (name !== undefined) return name;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `variant-${index}`;
}

/** Why a user-supplied pattern is refused (it does not compile on the linear-time engine), or `undefined`. */
export function regexProblem(pattern: string, caseInsensitive = false): string | undefined {
  const compiled = compilePattern(pattern, { caseInsensitive });
  return compiled.ok ? undefined : `invalid regular expression ${JSON.stringify(pattern)}: ${compiled.reason}`;
}
