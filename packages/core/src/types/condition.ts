import type { JsonValue } from './values';

/** Every operator name the built-in registry knows. */
export type OperatorName =
  | 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin'
  | 'starts_with' | 'ends_with' | 'contains' | 'matches'
  | 'semver_eq' | 'semver_gt' | 'semver_gte' | 'semver_lt' | 'semver_lte'
  | 'before' | 'after' | 'in_cidr';

/**
 * One test of one context attribute. `attribute` is a key of the evaluation context,
 * or a dotted path into nested objects (`user.country`). A missing attribute, an unknown
 * operator or an unparseable value never matches (fail closed), with or without `negate`.
 */
export interface AttributeCondition {
  attribute: string;
  operator: OperatorName | (string & {});
  /** The expected value; a list for `in`/`nin`, a pattern for `matches`, a CIDR for `in_cidr`. */
  value?: JsonValue;
  /** Compare strings without regard to case (string, list and regex operators). */
  caseInsensitive?: boolean;
  /** Invert the result of an operator that could be evaluated. */
  negate?: boolean;
}

/** A condition tree: all / any / not over attribute conditions. */
export type Condition =
  | AttributeCondition
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };
