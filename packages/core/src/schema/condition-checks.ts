import ipaddr from 'ipaddr.js';
import { SemVer } from 'semver';
import { parseInstant } from '../compile/dates';
import { toNumber } from '../operators/coerce';
import { getOperator } from '../operators/registry';
import type { AttributeCondition } from '../types/condition';

/** Operators that compare text, where `caseInsensitive` means something. */
const CASE_OPERATORS = new Set(['eq', 'neq', 'in', 'nin', 'starts_with', 'ends_with', 'contains', 'matches']);

// eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects and lists are described above: only primitives reach `String`
const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : String(value));

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';
}

function isSemver(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    new SemVer(value.trim().replace(/^v/, ''));
    return true;
  } catch {
    return false;
  }
}

function isAddressOrRange(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    if (value.includes('/')) ipaddr.parseCIDR(value);
    else ipaddr.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** Problems with a list of expected values; `undefined` when every item can be compared. */
function listProblem(operator: string, value: unknown, emptyNeverMatches: boolean, item: (v: unknown) => string | undefined): string | undefined {
  if (!Array.isArray(value)) return `operator ${operator} needs a list, got ${shown(value)}`;
  if (value.length === 0 && emptyNeverMatches) return `operator ${operator}${operator === 'in' || operator === 'in_cidr' ? '' : ' (negated)'} with an empty list never matches`;
  for (let i = 0; i < value.length; i++) {
    const problem = item(value[i]);
    if (problem) return `item ${i}: ${problem}`;
  }
  return undefined;
}

/**
 * Why an attribute condition can never match any context, or `undefined` when some attribute value
 * matches it. A condition that can never match is a definition error, refused where definitions
 * enter (API writes, manifests); evaluation still fails closed for values that arrive at runtime.
 * Unknown operators are reported by the schema and `matches` patterns by their own check.
 */
export function conditionProblem(condition: AttributeCondition): string | undefined {
  const { operator, value } = condition;
  const prepare = getOperator(operator);
  if (!prepare || operator === 'matches') return undefined;
  if (value === undefined) return `operator ${operator} needs a value to compare with`;
  if (condition.caseInsensitive === true && !CASE_OPERATORS.has(operator)) {
    return `caseInsensitive applies to text comparisons, not to operator ${operator}`;
  }
  const problem = operatorProblem(operator, value, condition.negate === true);
  if (problem) return problem;
  // A safety net for operators added later: the operator itself refuses the value.
  if (!prepare(value, { caseInsensitive: condition.caseInsensitive === true })) return `operator ${operator} cannot compare with ${shown(value)}`;
  return undefined;
}

/** `negated`: the condition holds where the operator's test is false, so "never true" tests still match something. */
function operatorProblem(operator: string, value: unknown, negated: boolean): string | undefined {
  switch (operator) {
    case 'eq':
    case 'neq':
      // `neq null` (or a negated `eq null`) holds for every attribute that is present; `eq null` (or a
      // negated `neq null`) for none, since a missing or null attribute never matches.
      if (value === null) {
        return (operator === 'eq') !== negated
          ? `operator ${operator}${negated ? ' (negated)' : ''} with null never matches: a missing or null attribute never matches any condition; "is present" is neq null`
          : undefined;
      }
      return isPrimitive(value) ? undefined : `operator ${operator} compares strings, numbers and booleans, got ${shown(value)}`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return toNumber(value) === undefined ? `operator ${operator} compares numbers, got ${shown(value)}` : undefined;
    case 'in':
    case 'nin':
      return listProblem(operator, value, (operator === 'in') !== negated, (v) => (isPrimitive(v) ? undefined : `lists hold strings, numbers and booleans, got ${shown(v)}`));
    case 'starts_with':
    case 'ends_with':
      if (typeof value !== 'string') return `operator ${operator} compares text, got ${shown(value)}`;
      return value === '' && negated ? `operator ${operator} (negated) with "" never matches: every text ${operator === 'starts_with' ? 'starts' : 'ends'} with ""` : undefined;
    case 'contains':
      // A list or object is never an element of a list attribute (elements are compared by value, one level deep).
      return isPrimitive(value) || value === null ? undefined : `operator contains looks for a string, number, boolean or null, got ${shown(value)}`;
    case 'semver_eq':
    case 'semver_gt':
    case 'semver_gte':
    case 'semver_lt':
    case 'semver_lte':
      return isSemver(value) ? undefined : `${shown(value)} is not a semantic version (such as 1.2.3 or v2.0.0-beta.1)`;
    case 'before':
    case 'after': {
      const ok = (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && parseInstant(value) !== undefined);
      return ok ? undefined : `${shown(value)} is not a date (ISO 8601, YYYY-MM-DD HH:mm:ss or epoch milliseconds)`;
    }
    case 'in_cidr':
      if (Array.isArray(value)) return listProblem(operator, value, !negated, (v) => (isAddressOrRange(v) ? undefined : `${shown(v)} is not an IP address or CIDR range`));
      return isAddressOrRange(value) ? undefined : `${shown(value)} is not an IP address or CIDR range (such as 10.0.0.0/8 or 2001:db8::/32)`;
    default:
      return undefined;
  }
}
