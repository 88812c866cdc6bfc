import type { Condition } from '../types/condition';
import type { FlagDefinition } from '../types/flag';
import type { Rule } from '../types/rule';
import { operatorNames } from '../operators/registry';
import { checkAcrossFields, isFlagKey } from './definition-schema';

/**
 * The common shapes of a flag definition, checked by hand: booleans, strings and numbers served
 * by static, variant, rollout and targeting rules over attribute conditions. Large estates are
 * made of these, and checking them this way is several times faster than the zod schema.
 *
 * The answer is either exactly what `flagDefinitionSchema` returns for the input (a fresh copy, keys
 * in the schema's order) or `undefined`: the input has another shape or a problem, and the caller
 * runs the schema, which has the last word and explains every problem. A property test holds the
 * two to the same result.
 */
export function acceptCommonDefinition(input: unknown): FlagDefinition | undefined {
  try {
    const def = definition(input);
    let clean = true;
    checkAcrossFields(def, () => {
      clean = false;
    });
    return clean ? def : undefined;
  } catch (err) {
    if (err === OTHER) return undefined;
    throw err;
  }
}

/** Thrown inside the checker for anything outside the common shapes; never escapes. */
class OtherShape extends Error {}
const OTHER = new OtherShape('not a common definition shape');

type Obj = Record<string, unknown>;

const DEFINITION_KEYS = ['key', 'type', 'description', 'enabled', 'fallbackValue', 'environments', 'defaultRule', 'prerequisites', 'validations', 'tags', 'metadata', 'flagSet', 'source'];
const FLAG_TYPES = new Set(['boolean', 'string', 'number', 'object']);
const SOURCE_KINDS = new Set(['manifest', 'store', 'code', 'auto']);
const RULE_KEYS: Record<string, readonly string[]> = {
  static: ['type', 'value', 'variant'],
  variant: ['type', 'variants', 'stickiness', 'seed'],
  rollout: ['type', 'percentage', 'value', 'otherwise', 'stickiness', 'seed'],
  targeting: ['type', 'rules', 'otherwise'],
};
const VARIANT_KEYS = ['value', 'weight', 'name'];
const CLAUSE_KEYS = ['name', 'when', 'serve'];
const SOURCE_KEYS = ['kind', 'file', 'line', 'column'];
const ATTRIBUTE_KEYS = ['attribute', 'operator', 'value', 'caseInsensitive', 'negate'];

/** A plain object whose own keys are all among `allowed`; anything else is another shape. */
function plain(value: unknown, allowed: readonly string[]): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw OTHER;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) throw OTHER;
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw OTHER;
  return value as Obj;
}

/**
 * Copies the fields of `from` in the order of `keys`, as zod does: a key present with `undefined`
 * stays (as `undefined`), an absent key stays absent. `read` checks and converts a defined value.
 */
function copy(from: Obj, keys: readonly string[], read: (key: string, value: unknown) => unknown): Obj {
  const out: Obj = {};
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(from, key)) continue;
    const value = from[key];
    out[key] = value === undefined ? undefined : read(key, value);
  }
  return out;
}

function required(from: Obj, keys: readonly string[]): void {
  for (const key of keys) if (from[key] === undefined) throw OTHER;
}

function string(value: unknown, nonEmpty = false): string {
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) throw OTHER;
  return value;
}

function boolean(value: unknown): boolean {
  if (typeof value !== 'boolean') throw OTHER;
  return value;
}

function finite(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw OTHER;
  return value;
}

/** A served value: only primitives here (objects and lists are left to the schema). */
function primitive(value: unknown): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return finite(value);
}

function percentage(value: unknown): number {
  const n = finite(value);
  if (n < 0 || n > 100) throw OTHER;
  return n;
}

function definition(input: unknown): FlagDefinition {
  const from = plain(input, DEFINITION_KEYS);
  required(from, ['key', 'type', 'fallbackValue']);
  return copy(from, DEFINITION_KEYS, (key, value) => {
    switch (key) {
      case 'key':
        if (!isFlagKey(value)) throw OTHER;
        return value;
      case 'type':
        if (typeof value !== 'string' || !FLAG_TYPES.has(value)) throw OTHER;
        return value;
      case 'description':
      case 'flagSet':
        return string(value);
      case 'enabled':
        return boolean(value);
      case 'fallbackValue':
        return primitive(value);
      case 'environments':
        return environments(value);
      case 'defaultRule':
        return rule(value);
      case 'tags':
        if (!Array.isArray(value)) throw OTHER;
        return value.map((tag) => string(tag, true));
      case 'source':
        return source(value);
      default:
        // prerequisites, validations, metadata: the schema checks them.
        throw OTHER;
    }
  }) as unknown as FlagDefinition;
}

function environments(value: unknown): Record<string, Rule> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) throw OTHER;
  const out: Record<string, Rule> = {};
  for (const env of Object.keys(value)) {
    if (env.length === 0 || env === '__proto__') throw OTHER;
    out[env] = rule((value as Obj)[env]);
  }
  return out;
}

function source(value: unknown): Obj {
  const from = plain(value, SOURCE_KEYS);
  required(from, ['kind']);
  return copy(from, SOURCE_KEYS, (key, v) => {
    if (key === 'kind') {
      if (typeof v !== 'string' || !SOURCE_KINDS.has(v)) throw OTHER;
      return v;
    }
    if (key === 'file') return string(v);
    if (!Number.isSafeInteger(v)) throw OTHER;
    return v;
  });
}

function rule(value: unknown): Rule {
  if (value === null || typeof value !== 'object') throw OTHER;
  const type = (value as Obj).type;
  const keys = typeof type === 'string' ? RULE_KEYS[type] : undefined;
  if (!keys) throw OTHER;
  const from = plain(value, keys);
  switch (type) {
    case 'static':
      required(from, ['value']);
      break;
    case 'variant':
      required(from, ['variants']);
      break;
    case 'rollout':
      required(from, ['percentage', 'value']);
      break;
    default:
      required(from, ['rules']);
  }
  return copy(from, keys, (key, v) => {
    switch (key) {
      case 'type':
        return v;
      case 'value':
        return primitive(v);
      case 'variant':
      case 'stickiness':
        return string(v, true);
      case 'seed':
        return string(v);
      case 'percentage':
        return percentage(v);
      case 'otherwise':
        return rule(v);
      case 'variants':
        if (!Array.isArray(v) || v.length === 0) throw OTHER;
        return v.map((variant) => {
          const f = plain(variant, VARIANT_KEYS);
          required(f, ['value', 'weight']);
          return copy(f, VARIANT_KEYS, (k, x) => (k === 'value' ? primitive(x) : k === 'weight' ? percentage(x) : string(x, true)));
        });
      default:
        // rules
        if (!Array.isArray(v)) throw OTHER;
        return v.map((clause) => {
          const f = plain(clause, CLAUSE_KEYS);
          required(f, ['when', 'serve']);
          return copy(f, CLAUSE_KEYS, (k, x) => (k === 'name' ? string(x) : k === 'when' ? condition(x, 0) : rule(x)));
        });
    }
  }) as unknown as Rule;
}

/** Conditions nest; past this depth the schema decides (and keeps the stack shallow here). */
const MAX_CONDITION_DEPTH = 32;

function condition(value: unknown, depth: number): Condition {
  if (depth > MAX_CONDITION_DEPTH || value === null || typeof value !== 'object' || Array.isArray(value)) throw OTHER;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any')) {
    const list = plain(value, keys)[keys[0]];
    if (!Array.isArray(list)) throw OTHER;
    return { [keys[0]]: list.map((c) => condition(c, depth + 1)) } as unknown as Condition;
  }
  if (keys.length === 1 && keys[0] === 'not') return { not: condition(plain(value, keys).not, depth + 1) };
  const from = plain(value, ATTRIBUTE_KEYS);
  required(from, ['attribute', 'operator']);
  return copy(from, ATTRIBUTE_KEYS, (key, v) => {
    switch (key) {
      case 'attribute':
        return string(v, true);
      case 'operator':
        if (typeof v !== 'string' || !operatorNames.has(v)) throw OTHER;
        return v;
      case 'value':
        return Array.isArray(v) ? v.map(conditionItem) : conditionItem(v);
      default:
        return boolean(v);
    }
  }) as unknown as Condition;
}

/** A condition's value or list item: primitives and null (nested objects and lists are left to the schema). */
function conditionItem(value: unknown): unknown {
  return value === null ? null : primitive(value);
}
