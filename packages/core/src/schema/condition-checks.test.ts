import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { SemVer } from 'semver';
import { describe, expect, it } from 'vitest';
import { compileCondition } from '../compile/compile-condition';
import { parseInstant } from '../compile/dates';
import { toNumber } from '../operators/coerce';
import type { AttributeCondition, Condition } from '../types/condition';
import type { JsonValue } from '../types/values';
import { definitionIssues } from './parse-definition';
import { runs } from '../../../../tooling/testing/property.ts';

const withCondition = (when: Condition) => ({
  key: 'k',
  type: 'boolean',
  fallbackValue: false,
  defaultRule: { type: 'targeting', rules: [{ when, serve: { type: 'static', value: true } }] },
});
const problems = (when: Condition) => definitionIssues(withCondition(when)).map((i) => `${i.path.slice(3).join('.')}: ${i.message}`);
const leaf = (operator: string, value?: JsonValue, extra: Partial<AttributeCondition> = {}): AttributeCondition =>
  value === undefined ? { attribute: 'a', operator, ...extra } : { attribute: 'a', operator, value, ...extra };

describe('conditions that can never match are definition errors', () => {
  it('refuses each kind with its reason', () => {
    const cases: [AttributeCondition, string][] = [
      [leaf('eq'), 'operator eq needs a value to compare with'],
      [leaf('gt', 'abc'), 'operator gt compares numbers, got "abc"'],
      [leaf('lte', true), 'operator lte compares numbers, got true'],
      [leaf('eq', { plan: 'pro' }), 'operator eq compares strings, numbers and booleans, got an object'],
      [leaf('eq', null), 'operator eq with null never matches: a missing or null attribute never matches any condition; "is present" is neq null'],
      [leaf('neq', null, { negate: true }), 'operator neq (negated) with null never matches: a missing or null attribute never matches any condition; "is present" is neq null'],
      [leaf('in', 'DE'), 'operator in needs a list, got "DE"'],
      [leaf('in', []), 'operator in with an empty list never matches'],
      [leaf('in', ['DE', { c: 1 }]), 'item 1: lists hold strings, numbers and booleans, got an object'],
      [leaf('starts_with', 5), 'operator starts_with compares text, got 5'],
      [leaf('contains', [1]), 'operator contains looks for a string, number, boolean or null, got a list'],
      [leaf('semver_gt', '1.2'), '"1.2" is not a semantic version (such as 1.2.3 or v2.0.0-beta.1)'],
      [leaf('before', 'next tuesday'), '"next tuesday" is not a date (ISO 8601, YYYY-MM-DD HH:mm:ss or epoch milliseconds)'],
      [leaf('in_cidr', '10.0.0.0/99'), '"10.0.0.0/99" is not an IP address or CIDR range (such as 10.0.0.0/8 or 2001:db8::/32)'],
      [leaf('in_cidr', ['10.0.0.0/8', 'intranet']), 'item 1: "intranet" is not an IP address or CIDR range'],
      [leaf('in_cidr', []), 'operator in_cidr with an empty list never matches'],
      [leaf('gt', 5, { caseInsensitive: true }), 'caseInsensitive applies to text comparisons, not to operator gt'],
    ];
    for (const [condition, message] of cases) expect(problems(condition), JSON.stringify(condition)).toEqual([`when.value: ${message}`]);
    expect(problems({ any: [] })).toEqual(['when.any: an empty any never matches']);
    expect(problems({ all: [leaf('gt', 1), { not: leaf('semver_lt', 'x') }] })).toEqual(['when.all.1.not.value: "x" is not a semantic version (such as 1.2.3 or v2.0.0-beta.1)']);
  });

  it('accepts conditions that some context matches', () => {
    for (const c of [
      leaf('eq', 'pro', { caseInsensitive: true }),
      leaf('neq', null),
      leaf('gt', '18'),
      leaf('in', [1, 'two', false]),
      leaf('nin', []),
      leaf('in', [], { negate: true }),
      leaf('eq', null, { negate: true }),
      leaf('contains', 3),
      leaf('semver_gte', 'v2.0.0-beta.1'),
      leaf('after', 1_700_000_000_000),
      leaf('before', '2025-01-01 00:00:00'),
      leaf('in_cidr', ['10.0.0.1', '2001:db8::/32']),
      leaf('starts_with', ''),
    ]) {
      expect(problems(c), JSON.stringify(c)).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property: a document that validates compiles to conditions that each match some context, and a
// document with a condition no context matches is refused.

const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'starts_with', 'ends_with', 'contains', 'semver_eq', 'semver_gt', 'semver_gte', 'semver_lt', 'semver_lte', 'before', 'after', 'in_cidr'];

const primitive = fc.oneof(
  fc.constantFrom('pro', 'DE', '', 'abc', '18', ' 7 ', 'true', '1.2.3', 'v2.0.0', '0.0.0', '1.0.0-beta.2', '1.2', '2024-06-01 12:00:00', '2025-01-01T00:00:00Z', 'soon', '10.0.0.0/8', '192.168.1.1', '::1', '2001:db8::/32', '10.0.0.0/99', 'intranet'),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  fc.constant(1_700_000_000_000),
  fc.boolean(),
  fc.constant(null),
);
const expected: fc.Arbitrary<JsonValue | undefined> = fc.oneof(
  { weight: 6, arbitrary: primitive },
  { weight: 3, arbitrary: fc.array(primitive, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('x', 'y'), primitive, { maxKeys: 1 }) },
);
const attributeCondition: fc.Arbitrary<AttributeCondition> = fc
  .record({ operator: fc.constantFrom(...OPERATORS), value: expected, caseInsensitive: fc.option(fc.boolean(), { nil: undefined }), negate: fc.option(fc.boolean(), { nil: undefined }) })
  .map(({ operator, value, caseInsensitive, negate }) => {
    const c: AttributeCondition = { attribute: 'a', operator };
    if (value !== undefined) c.value = value;
    if (caseInsensitive !== undefined) c.caseInsensitive = caseInsensitive;
    if (negate !== undefined) c.negate = negate;
    return c;
  });
const conditionTree: fc.Arbitrary<Condition> = fc.letrec<{ tree: Condition }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: attributeCondition },
    { weight: 1, arbitrary: fc.array(tie('tree'), { maxLength: 3 }).map((all) => ({ all })) },
    { weight: 1, arbitrary: fc.array(tie('tree'), { maxLength: 3 }).map((any) => ({ any })) },
    { weight: 1, arbitrary: tie('tree').map((not) => ({ not })) },
  ),
})).tree;

const PROBES: unknown[] = ['', 'x', 'zz-unlikely', ['zz-unlikely'], 0, 1, -1, true, false, 'true', '::1', '10.0.0.1', '255.255.255.255', '0.0.0-0'];

/** Attribute values that might satisfy a condition: built from its expected value, plus fixed probes. */
function candidates(value: unknown): unknown[] {
  const out: unknown[] = [...PROBES];
  const items = Array.isArray(value) ? value : [value];
  for (const v of items) {
    if (v === undefined) continue;
    out.push(v, [v]);
    const n = toNumber(v);
    if (n !== undefined) out.push(n - 1, n, n + 1, n - 1000, n + 1000);
    if (typeof v === 'string') {
      out.push(`${v}x`, `x${v}`, v.toUpperCase(), `${v}-0`);
      const instant = parseInstant(v);
      if (instant) out.push(instant.start - 1000, instant.start + 1000);
      try {
        const s = new SemVer(v.trim().replace(/^v/, ''));
        out.push(new SemVer(s.version).inc('major').version, `${s.major}.${s.minor}.${s.patch}-0`);
      } catch {
        // not a version
      }
      try {
        out.push((v.includes('/') ? ipaddr.parseCIDR(v)[0] : ipaddr.parse(v)).toString());
      } catch {
        // not an address
      }
    }
  }
  // Contexts arrive as JSON: never the very object the definition holds.
  return out.map((c) => structuredClone(c));
}

/** True when some probe value of attribute `a` matches the condition. */
function matchable(condition: AttributeCondition): boolean {
  const test = compileCondition(condition);
  return candidates(condition.value).some((c) => test({ a: c }));
}

/** Every attribute condition of a tree, and whether it has an empty `any`. */
function walk(tree: Condition, leaves: AttributeCondition[] = []): { leaves: AttributeCondition[]; emptyAny: boolean } {
  let emptyAny = false;
  const visit = (c: Condition) => {
    if ('all' in c) c.all.forEach(visit);
    else if ('any' in c) {
      if (c.any.length === 0) emptyAny = true;
      c.any.forEach(visit);
    } else if ('not' in c) visit(c.not);
    else leaves.push(c);
  };
  visit(tree);
  return { leaves, emptyAny };
}

const TEXT_OPERATORS = new Set(['eq', 'neq', 'in', 'nin', 'starts_with', 'ends_with', 'contains']);
/** Conditions refused for missing or ignored input, even though something may match them. */
function ignoresInput(c: AttributeCondition): boolean {
  // An operator without its value compares with nothing (negated, it may still hold: refused all the same).
  if (c.value === undefined) return true;
  if (c.caseInsensitive === true && !TEXT_OPERATORS.has(c.operator)) return true;
  // `contains` with a list or object can only ever be false; negated, it holds for every list.
  if (c.operator === 'contains' && c.value !== null && typeof c.value === 'object') return true;
  return Array.isArray(c.value) && (c.operator === 'in' || c.operator === 'nin') && c.value.some((v) => v === null || typeof v === 'object');
}

describe('definition documents (property)', () => {
  it('a document validates exactly when every condition in it can match some context', () => {
    fc.assert(
      fc.property(conditionTree, (tree) => {
        const accepted = definitionIssues(withCondition(tree)).length === 0;
        const { leaves, emptyAny } = walk(tree);
        const allMatchable = !emptyAny && leaves.every(matchable);
        // Validates ⇒ every condition can match; a condition that cannot match ⇒ refused.
        if (accepted) expect(allMatchable, JSON.stringify(tree)).toBe(true);
        // And nothing else is refused, beyond input the operator would silently ignore.
        if (allMatchable && !leaves.some(ignoresInput)) expect(accepted, JSON.stringify(tree)).toBe(true);
      }),
      { numRuns: runs(3000) },
    );
  });
});
