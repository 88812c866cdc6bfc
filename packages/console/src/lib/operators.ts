import type { OperatorName } from '@switchyard/core';

/** The operators the engine knows, in the order the condition editor offers them. */
export const OPERATORS = [
  'eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin',
  'starts_with', 'ends_with', 'contains', 'matches',
  'semver_eq', 'semver_gt', 'semver_gte', 'semver_lt', 'semver_lte',
  'before', 'after', 'in_cidr',
] as const satisfies readonly OperatorName[];
