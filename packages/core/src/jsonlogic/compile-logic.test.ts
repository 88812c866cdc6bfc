import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLogic, LogicError, truthy } from './compile-logic';
import { runs } from '../../../../tooling/testing/property.ts';

const run = (logic: unknown, data: Record<string, unknown> = {}) => compileLogic(logic)(data, data);

describe('compileLogic (JsonLogic)', () => {
  it('reads variables: dotted paths, arrays, defaults, the whole data', () => {
    expect(run({ var: 'a.b' }, { a: { b: 3 } })).toBe(3);
    expect(run({ var: ['a.1'] }, { a: ['x', 'y'] })).toBe('y');
    expect(run({ var: ['missing', 'dflt'] })).toBe('dflt');
    expect(run({ var: 'missing' })).toBeNull();
    expect(run({ var: '' }, { a: 1 })).toEqual({ a: 1 });
    expect(run({ var: 'a.b' }, { a: null })).toBeNull();
    expect(run({ var: 'a' }, { a: null })).toBeNull();
  });

  it('never reads the prototype chain', () => {
    expect(run({ var: 'constructor' }, {})).toBeNull();
    expect(run({ var: '__proto__' }, {})).toBeNull();
    expect(run({ var: 'a.toString' }, { a: {} })).toBeNull();
  });

  it('compares like JavaScript (== loose, === strict) and orders numbers, with between for < and <=', () => {
    expect(run({ '==': [1, '1'] })).toBe(true);
    expect(run({ '===': [1, '1'] })).toBe(false);
    expect(run({ '!=': [1, 2] })).toBe(true);
    expect(run({ '<': [1, 2, 3] })).toBe(true);
    expect(run({ '<': [1, 3, 3] })).toBe(false);
    expect(run({ '<=': [1, 3, 3] })).toBe(true);
    expect(run({ '>': [{ var: 'n' }, 5] }, { n: 7 })).toBe(true);
  });

  it('if / ?: chains, and/or return values, ! and !! use JsonLogic truthiness ([] is false)', () => {
    expect(run({ if: [false, 'a', true, 'b', 'c'] })).toBe('b');
    expect(run({ if: [false, 'a', false, 'b', 'c'] })).toBe('c');
    expect(run({ if: [false, 'a'] })).toBeNull();
    expect(run({ '?:': [true, 1, 2] })).toBe(1);
    expect(run({ or: [0, '', 'x'] })).toBe('x');
    expect(run({ and: [1, 0, 2] })).toBe(0);
    expect(run({ '!': [[]] })).toBe(true);
    expect(run({ '!!': ['0'] })).toBe(true);
    expect(truthy([])).toBe(false);
  });

  it('arithmetic, strings and arrays', () => {
    expect(run({ '+': ['1', 2] })).toBe(3);
    expect(run({ '*': [2, 3, 4] })).toBe(24);
    expect(run({ '-': [5] })).toBe(-5);
    expect(run({ '/': [6, 4] })).toBe(1.5);
    expect(run({ '%': [7, 4] })).toBe(3);
    expect(run({ max: [1, 9, 3] })).toBe(9);
    expect(run({ cat: ['a', null, 1] })).toBe('a1');
    expect(run({ substr: ['jsonlogic', 4] })).toBe('logic');
    expect(run({ substr: ['jsonlogic', -5, 3] })).toBe('log');
    expect(run({ substr: ['jsonlogic', 1, -3] })).toBe('sonlo');
    expect(run({ in: ['Spring', 'Springfield'] })).toBe(true);
    expect(run({ in: ['b', ['a', 'b']] })).toBe(true);
    expect(run({ in: ['b', 5] })).toBe(false);
    expect(run({ merge: [[1, 2], 3, [4]] })).toEqual([1, 2, 3, 4]);
  });

  it('map, filter, reduce, all, some, none evaluate their logic per item', () => {
    const data = { xs: [1, 2, 3] };
    expect(run({ map: [{ var: 'xs' }, { '*': [{ var: '' }, 2] }] }, data)).toEqual([2, 4, 6]);
    expect(run({ filter: [{ var: 'xs' }, { '>': [{ var: '' }, 1] }] }, data)).toEqual([2, 3]);
    expect(run({ reduce: [{ var: 'xs' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 10] }, data)).toBe(16);
    expect(run({ all: [{ var: 'xs' }, { '>': [{ var: '' }, 0] }] }, data)).toBe(true);
    expect(run({ all: [[], true] })).toBe(false);
    expect(run({ some: [{ var: 'xs' }, { '==': [{ var: '' }, 2] }] }, data)).toBe(true);
    expect(run({ none: [{ var: 'xs' }, { '==': [{ var: '' }, 9] }] }, data)).toBe(true);
  });

  it('missing and missing_some', () => {
    expect(run({ missing: ['a', 'b'] }, { a: 1 })).toEqual(['b']);
    expect(run({ missing_some: [1, ['a', 'b']] }, { a: 1 })).toEqual([]);
    expect(run({ missing_some: [2, ['a', 'b']] }, { a: 1 })).toEqual(['b']);
  });

  it('treats mappings with other than one key as data, and refuses unknown operators and $ref when compiling', () => {
    expect(run({ a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(() => compileLogic({ nope: [1] })).toThrow(LogicError);
    expect(() => compileLogic({ $ref: 'shared' })).toThrow(/no such evaluator/);
    let deep: unknown = 1;
    for (let i = 0; i < 300; i++) deep = { '!': [deep] };
    expect(() => compileLogic(deep)).toThrow(/deeper/);
  });

  it('calls operators of a dialect with their evaluated arguments', () => {
    const f = compileLogic({ twice: [{ var: 'n' }] }, { operators: { twice: ([a]) => (d, c) => Number(a!(d, c)) * 2 } });
    expect(f({ n: 4 }, { n: 4 })).toBe(8);
  });

  it('never throws while evaluating compiled logic of known operators over any data', () => {
    const ops = ['==', '!=', '<', '>', '+', '-', '*', '/', '%', 'in', 'cat', 'substr', 'merge', '!', 'and', 'or', 'if', 'max', 'min'];
    const logic: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })), fc.record({ var: fc.constantFrom('a', 'b.c', '') }), fc.tuple(fc.constantFrom(...ops), fc.array(tie('node'), { maxLength: 3 })).map(([op, args]) => ({ [op]: args }))),
    })).node;
    fc.assert(
      fc.property(logic, fc.dictionary(fc.constantFrom('a', 'b'), fc.jsonValue({ maxDepth: 2 })), (l, data) => {
        compileLogic(l)(data, data);
      }),
      { numRuns: runs(2000) },
    );
  });
});
