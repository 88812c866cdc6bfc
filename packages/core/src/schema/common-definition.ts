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

const DEFINITION = shape(['key', 'type', 'description', 'enabled', 'fallbackValue', 'environments', 'defaultRule', 'prerequisites', 'validations', 'tags', 'metadata', 'flagSet', 'source']);
const FLAG_TYPES = new Set(['boolean', 'string', 'number', 'object']);
const SOURCE_KINDS = new Set(['manifest', 'store', 'code', 'auto']);
const RULES: Record<string, { shape: Shape; required: readonly string[] }> = {
  static: { shape: shape(['type', 'value', 'variant']), required: ['value'] },
  variant: { shape: shape(['type', 'variants', 'stickiness', 'seed']), required: ['variants'] },
  rollout: { shape: shape(['type', 'percentage', 'value', 'otherwise', 'stickiness', 'seed']), required: ['percentage', 'value'] },
  targeting: { shape: shape(['type', 'rules', 'otherwise']), required: ['rules'] },
};
const VARIANT = shape(['value', 'weight', 'name']);
const CLAUSE = shape(['name', 'when', 'serve']);
const SOURCE = shape(['kind', 'file', 'line', 'column']);
const ATTRIBUTE = shape(['attribute', 'operator', 'value', 'caseInsensitive', 'negate']);
const DEFINITION_REQUIRED = ['key', 'type', 'fallbackValue'];
const VARIANT_REQUIRED = ['value', 'weight'];
const CLAUSE_REQUIRED = ['when', 'serve'];
const SOURCE_REQUIRED = ['kind'];
const ATTRIBUTE_REQUIRED = ['attribute', 'operator'];
const ALL = shape(['all']);
const ANY = shape(['any']);
const NOT = shape(['not']);

/** A plain object whose own keys are all among `allowed`; anything else is another shape. */
function plain(value: unknown, allowed: Shape): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw OTHER;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) throw OTHER;
  for (const key in value) if (!allowed.set.has(key) || !Object.prototype.hasOwnProperty.call(value, key)) throw OTHER;
  return value as Obj;
}

/** An object's keys in the schema's order, and as a set for membership. */
interface Shape {
  keys: readonly string[];
  set: ReadonlySet<string>;
}

function shape(keys: readonly string[]): Shape {
  return { keys, set: new Set(keys) };
}

/**
 * Copies the fields of `from` in the order of `keys`, as zod does: a key present with `undefined`
 * stays (as `undefined`), an absent key stays absent. `read` checks and converts a defined value.
 */
function copy(from: Obj, shape: Shape, read: (key: string, value: unknown) => unknown): Obj {
  const out: Obj = {};
  for (const key of shape.keys) {
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

function nonEmptyString(value: unknown): string {
  return string(value, true);
}

/** Each item read by `read`, holes included (as `undefined`, which no reader accepts): `map` would keep them as holes. */
function list<T>(value: unknown[], read: (item: unknown) => T): T[] {
  const out = new Array<T>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = read(value[i]);
  return out;
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
  const from = plain(input, DEFINITION);
  required(from, DEFINITION_REQUIRED);
  return copy(from, DEFINITION, definitionField) as unknown as FlagDefinition;
}

function definitionField(key: string, value: unknown): unknown {
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
        return list(value, nonEmptyString);
      case 'source':
        return source(value);
      default:
        // prerequisites, validations, metadata: the schema checks them.
        throw OTHER;
    }
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
  const from = plain(value, SOURCE);
  required(from, SOURCE_REQUIRED);
  return copy(from, SOURCE, sourceField);
}

function sourceField(key: string, v: unknown): unknown {
  if (key === 'kind') {
    if (typeof v !== 'string' || !SOURCE_KINDS.has(v)) throw OTHER;
    return v;
  }
  if (key === 'file') return string(v);
  if (!Number.isSafeInteger(v)) throw OTHER;
  return v;
}

function rule(value: unknown): Rule {
  if (value === null || typeof value !== 'object') throw OTHER;
  const type = (value as Obj).type;
  const known = typeof type === 'string' && Object.prototype.hasOwnProperty.call(RULES, type) ? RULES[type] : undefined;
  if (!known) throw OTHER;
  const from = plain(value, known.shape);
  required(from, known.required);
  return copy(from, known.shape, ruleField) as unknown as Rule;
}

function ruleField(key: string, v: unknown): unknown {
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
      return list(v, variant);
    default:
      // rules
      if (!Array.isArray(v)) throw OTHER;
      return list(v, clause);
  }
}

function variant(value: unknown): Obj {
  const from = plain(value, VARIANT);
  required(from, VARIANT_REQUIRED);
  return copy(from, VARIANT, variantField);
}

function variantField(key: string, v: unknown): unknown {
  return key === 'value' ? primitive(v) : key === 'weight' ? percentage(v) : string(v, true);
}

function clause(value: unknown): Obj {
  const from = plain(value, CLAUSE);
  required(from, CLAUSE_REQUIRED);
  return copy(from, CLAUSE, clauseField);
}

function clauseField(key: string, v: unknown): unknown {
  return key === 'name' ? string(v) : key === 'when' ? condition(v, 0) : rule(v);
}

/** Conditions nest; past this depth the schema decides (and keeps the stack shallow here). */
const MAX_CONDITION_DEPTH = 32;

function condition(value: unknown, depth: number): Condition {
  if (depth > MAX_CONDITION_DEPTH || value === null || typeof value !== 'object' || Array.isArray(value)) throw OTHER;
  const v = value as Obj;
  if (Object.prototype.hasOwnProperty.call(v, 'all') && !Object.prototype.hasOwnProperty.call(v, 'attribute')) return { all: conditions(plain(v, ALL).all, depth) };
  if (Object.prototype.hasOwnProperty.call(v, 'any') && !Object.prototype.hasOwnProperty.call(v, 'attribute')) return { any: conditions(plain(v, ANY).any, depth) };
  if (Object.prototype.hasOwnProperty.call(v, 'not') && !Object.prototype.hasOwnProperty.call(v, 'attribute')) return { not: condition(plain(v, NOT).not, depth + 1) };
  const from = plain(v, ATTRIBUTE);
  required(from, ATTRIBUTE_REQUIRED);
  return copy(from, ATTRIBUTE, attributeField) as unknown as Condition;
}

function conditions(list: unknown, depth: number): Condition[] {
  if (!Array.isArray(list)) throw OTHER;
  const out = new Array<Condition>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = condition(list[i], depth + 1);
  return out;
}

function attributeField(key: string, v: unknown): unknown {
  switch (key) {
    case 'attribute':
      return string(v, true);
    case 'operator':
      if (typeof v !== 'string' || !operatorNames.has(v)) throw OTHER;
      return v;
    case 'value':
      return Array.isArray(v) ? list(v, conditionItem) : conditionItem(v);
    default:
      return boolean(v);
  }
}

/** A condition's value or list item: primitives and null (nested objects and lists are left to the schema). */
function conditionItem(value: unknown): unknown {
  return value === null ? null : primitive(value);
}
