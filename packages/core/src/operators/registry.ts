import { eq, gt, gte, inList, lt, lte, neq, notInList } from './comparison';
import { inCidr } from './cidr';
import { after, before } from './dates';
import { semverEq, semverGt, semverGte, semverLt, semverLte } from './semver';
import { contains, endsWith, matches, startsWith } from './strings';
import type { Operator } from './types';

/** The built-in operators: small pure functions that fail closed. */
export const operators: Readonly<Record<string, Operator>> = Object.freeze({
  eq,
  neq,
  gt,
  gte,
  lt,
  lte,
  in: inList,
  nin: notInList,
  starts_with: startsWith,
  ends_with: endsWith,
  contains,
  matches,
  semver_eq: semverEq,
  semver_gt: semverGt,
  semver_gte: semverGte,
  semver_lt: semverLt,
  semver_lte: semverLte,
  before,
  after,
  in_cidr: inCidr,
});

export const operatorNames: ReadonlySet<string> = new Set(Object.keys(operators));

/** The operator of that name, or `undefined` (an unknown operator never matches). */
export function getOperator(name: string): Operator | undefined {
  return Object.prototype.hasOwnProperty.call(operators, name) ? operators[name] : undefined;
}
