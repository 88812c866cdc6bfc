import { SemVer, compare } from 'semver';
import type { Operator } from './types';

function parse(value: unknown): SemVer | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new SemVer(value.trim().replace(/^v/, ''));
  } catch {
    return undefined;
  }
}

function semverOp(test: (order: number) => boolean): Operator {
  return (expected) => {
    const e = parse(expected);
    if (!e) return undefined;
    return (actual) => {
      const a = parse(actual);
      return a === undefined ? undefined : test(compare(a, e));
    };
  };
}

export const semverEq = semverOp((o) => o === 0);
export const semverGt = semverOp((o) => o > 0);
export const semverGte = semverOp((o) => o >= 0);
export const semverLt = semverOp((o) => o < 0);
export const semverLte = semverOp((o) => o <= 0);
