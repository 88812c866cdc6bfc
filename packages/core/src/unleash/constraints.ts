import ipaddr from 'ipaddr.js';
import { RE2JS } from 're2js';
import { parse as parseSemver, compare as compareSemver, type SemVer } from 'semver';
import type { EvaluationContext } from '../types/context';
import type { UnleashConstraint } from '../types/rule';
import { contextValue } from './context';

/** A compiled constraint. */
export type ConstraintTest = (context: EvaluationContext) => boolean;

const NEVER: ConstraintTest = () => false;

/** Every operator Unleash defines. Any other operator never holds (as in Unleash's SDKs). */
export const UNLEASH_OPERATORS = new Set([
  'IN', 'NOT_IN', 'STR_STARTS_WITH', 'STR_ENDS_WITH', 'STR_CONTAINS',
  'NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT', 'NUM_LTE', 'DATE_AFTER', 'DATE_BEFORE',
  'SEMVER_EQ', 'SEMVER_GT', 'SEMVER_GTE', 'SEMVER_LT', 'SEMVER_LTE', 'REGEX', 'IN_CIDR',
]);

/** Values as Unleash cleans them: empty ones dropped, the rest trimmed. */
function cleanValues(values: readonly string[] | undefined): string[] {
  return (values ?? []).filter((v) => typeof v === 'string' && v !== '').map((v) => v.trim());
}

/** A strict semantic version; a leading `v` is not one (Unleash refuses `v2.0.0`). */
function semver(text: string | undefined): SemVer | undefined {
  if (text === undefined || text.startsWith('v')) return undefined;
  return parseSemver(text) ?? undefined;
}

function toNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

function toTime(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const t = value instanceof Date ? value.getTime() : new Date(value as string | number).getTime();
  return Number.isNaN(t) ? undefined : t;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parseRange(text: string): Range | undefined {
  try {
    if (text.includes('/')) return ipaddr.parseCIDR(text);
    const addr = ipaddr.parse(text);
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** True when `address` is one of, or inside one of, `ranges` (IPv4 and IPv6). */
export function inRanges(address: string | undefined, ranges: readonly Range[]): boolean {
  if (address === undefined || !ipaddr.isValid(address)) return false;
  const addr = ipaddr.parse(address);
  for (const [net, bits] of ranges) if (net.kind() === addr.kind() && addr.match(net, bits)) return true;
  return false;
}

/** Parses a list of addresses and CIDR ranges; unparseable entries are left out. */
export function parseRanges(values: readonly string[]): Range[] {
  const out: Range[] = [];
  for (const v of values) {
    const r = parseRange(v);
    if (r) out.push(r);
  }
  return out;
}

/**
 * Compiles one constraint with Unleash's semantics: the value is read from the context (or its
 * `properties`); `inverted` negates the operator's answer; an unknown operator never holds.
 */
export function compileConstraint(constraint: UnleashConstraint, clock: () => number): ConstraintTest {
  const test = operatorTest(constraint, clock);
  if (!test) return NEVER;
  if (constraint.inverted === true) return (context) => !test(context);
  return test;
}

/** A known operator whose expected value is unusable: false, and `inverted` applies (as in Unleash). */
const FALSE: ConstraintTest = () => false;

function operatorTest(c: UnleashConstraint, clock: () => number): ConstraintTest | undefined {
  const field = c.contextName;
  const ci = c.caseInsensitive === true;
  const single = c.value !== undefined ? String(c.value) : c.values?.[0];
  switch (c.operator) {
    case 'IN':
    case 'NOT_IN': {
      const values = new Set(cleanValues(c.values));
      const isIn = c.operator === 'IN';
      return (context) => {
        const v = contextValue(context, field);
        const found = v !== undefined && values.has(v);
        return isIn ? found : !found;
      };
    }
    case 'STR_STARTS_WITH':
    case 'STR_ENDS_WITH':
    case 'STR_CONTAINS': {
      const values = cleanValues(c.values).map((v) => (ci ? v.toLowerCase() : v));
      const op = c.operator;
      return (context) => {
        let v = contextValue(context, field);
        if (v === undefined) return false;
        if (ci) v = v.toLowerCase();
        const s = v;
        if (op === 'STR_STARTS_WITH') return values.some((x) => s.startsWith(x));
        if (op === 'STR_ENDS_WITH') return values.some((x) => s.endsWith(x));
        return values.some((x) => s.includes(x));
      };
    }
    case 'NUM_EQ':
    case 'NUM_GT':
    case 'NUM_GTE':
    case 'NUM_LT':
    case 'NUM_LTE': {
      const expected = toNumber(single);
      if (expected === undefined) return FALSE;
      const op = c.operator;
      return (context) => {
        const a = toNumber(contextValue(context, field));
        if (a === undefined) return false;
        if (op === 'NUM_EQ') return a === expected;
        if (op === 'NUM_GT') return a > expected;
        if (op === 'NUM_GTE') return a >= expected;
        if (op === 'NUM_LT') return a < expected;
        return a <= expected;
      };
    }
    case 'DATE_AFTER':
    case 'DATE_BEFORE': {
      const expected = toTime(single);
      if (expected === undefined) return FALSE;
      const after = c.operator === 'DATE_AFTER';
      return (context) => {
        const given = contextValue(context, 'currentTime');
        const now = given === undefined ? clock() : toTime(given);
        if (now === undefined) return false;
        return after ? now > expected : now < expected;
      };
    }
    case 'SEMVER_EQ':
    case 'SEMVER_GT':
    case 'SEMVER_GTE':
    case 'SEMVER_LT':
    case 'SEMVER_LTE': {
      const expected = single === undefined ? undefined : (parseSemver(single) ?? undefined);
      if (!expected) return FALSE;
      const op = c.operator;
      return (context) => {
        const a = semver(contextValue(context, field));
        if (!a) return false;
        const order = compareSemver(a, expected);
        if (op === 'SEMVER_EQ') return order === 0;
        if (op === 'SEMVER_GT') return order > 0;
        if (op === 'SEMVER_GTE') return order >= 0;
        if (op === 'SEMVER_LT') return order < 0;
        return order <= 0;
      };
    }
    case 'REGEX': {
      if (single === undefined) return FALSE;
      let re: RE2JS;
      try {
        // RE2 syntax (linear time, no look-around or back-references), as Unleash's engine uses.
        re = RE2JS.compile(single, ci ? RE2JS.CASE_INSENSITIVE : 0);
      } catch {
        return FALSE;
      }
      return (context) => {
        const v = contextValue(context, field);
        return v !== undefined && re.matcher(v).find();
      };
    }
    case 'IN_CIDR': {
      const ranges = parseRanges(cleanValues(c.values));
      return (context) => inRanges(contextValue(context, field), ranges);
    }
    default:
      return undefined;
  }
}
