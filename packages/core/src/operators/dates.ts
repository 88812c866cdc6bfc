import { parseInstant } from '../compile/dates';
import { toEpochMs } from './coerce';
import type { Operator } from './types';

function dateOp(test: (actual: number, expected: number) => boolean): Operator {
  return (expected) => {
    const e = typeof expected === 'number' ? expected : typeof expected === 'string' ? parseInstant(expected)?.start : undefined;
    if (e === undefined || !Number.isFinite(e)) return undefined;
    return (actual) => {
      const a = toEpochMs(actual);
      return a === undefined ? undefined : test(a, e);
    };
  };
}

/** The attribute (ISO date, epoch ms or Date) is strictly before the expected instant. */
export const before = dateOp((a, e) => a < e);
/** The attribute is strictly after the expected instant. */
export const after = dateOp((a, e) => a > e);
