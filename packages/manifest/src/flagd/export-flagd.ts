import { parseInstant, variantName } from '@switchyard/core';
import type { Condition, FlagDefinition, FlagValue, JsonValue, MaintainedValues, Rule } from '@switchyard/core';

/** Something a definition says that a flagd file cannot say exactly. */
export interface FlagdExportNote {
  /** The flag concerned. */
  key: string;
  /** `error`: the flag is not written. `warning`: written, with this difference. */
  severity: 'error' | 'warning';
  message: string;
}

export interface ExportFlagdOptions {
  /** Environment whose rule is written (flagd has no environments). Default: the default rule. */
  environment?: string;
  /** `flagd.dev` schema reference written as `$schema`. Default the flagd v0 schema. */
  schema?: string | false;
}

export interface FlagdExport {
  /** The flagd JSON document (with only the flags that could be written). */
  text: string;
  /** Keys written. */
  written: string[];
  notes: FlagdExportNote[];
}

const FLAGD_SCHEMA = 'https://flagd.dev/schema/v0/flags.json';

class NotRepresentable extends Error {}

/** Variant names → values of one flag, naming values as Switchyard reports them. */
class Variants {
  readonly map = new Map<string, FlagValue>();
  private readonly json = new Map<string, string>();

  name(value: FlagValue, preferred?: string): string {
    const text = JSON.stringify(value);
    for (const [name, t] of this.json) if (t === text && (preferred === undefined || preferred === name)) return name;
    let base = preferred ?? variantName(value, this.map.size);
    if (typeof value === 'object') base = preferred ?? `variant-${this.map.size}`;
    let name = base;
    for (let i = 2; this.map.has(name); i++) name = `${base}-${i}`;
    this.map.set(name, value);
    this.json.set(name, text);
    return name;
  }
}

/** Whole numbers proportional to `weights` (fractional percentages are scaled by a power of ten). */
function integerWeights(weights: readonly number[]): number[] {
  for (let scale = 1; scale <= 1e6; scale *= 10) {
    const scaled = weights.map((w) => w * scale);
    if (scaled.every((w) => Math.abs(w - Math.round(w)) < 1e-9)) return scaled.map((w) => Math.round(w));
  }
  throw new NotRepresentable('weights with more than six decimals');
}

function variable(attribute: string): JsonValue {
  return { var: attribute };
}

const COMPARE: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };
const SEMVER: Record<string, string> = { semver_eq: '=', semver_gt: '>', semver_gte: '>=', semver_lt: '<', semver_lte: '<=' };

function conditionLogic(c: Condition): JsonValue {
  if ('all' in c) return { and: c.all.map(conditionLogic) };
  if ('any' in c) return { or: c.any.map(conditionLogic) };
  if ('not' in c) return { '!': [conditionLogic(c.not)] };
  if (c.caseInsensitive) throw new NotRepresentable(`condition on "${c.attribute}" compares without regard to case, which JsonLogic cannot`);
  const v = variable(c.attribute);
  const x = c.value;
  let test: JsonValue;
  switch (c.operator) {
    case 'eq':
    case 'neq':
      if (typeof x === 'boolean') test = { in: [v, [x, String(x)]] };
      else if (typeof x === 'string' || typeof x === 'number') test = { '==': [v, x] };
      else throw new NotRepresentable(`condition ${c.operator} on "${c.attribute}" compares with ${JSON.stringify(x)}`);
      if (c.operator === 'neq') return { and: [{ '!=': [v, null] }, { '!': [test] }] };
      break;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof x !== 'number') throw new NotRepresentable(`condition ${c.operator} on "${c.attribute}" has a non-numeric value`);
      test = { [COMPARE[c.operator]!]: [v, x] };
      break;
    case 'in':
    case 'nin':
      if (!Array.isArray(x)) throw new NotRepresentable(`condition ${c.operator} on "${c.attribute}" needs a list`);
      test = { in: [v, x] };
      if (c.operator === 'nin') return { and: [{ '!=': [v, null] }, { '!': [test] }] };
      break;
    case 'starts_with':
    case 'ends_with':
      if (typeof x !== 'string') throw new NotRepresentable(`condition ${c.operator} on "${c.attribute}" has a non-text value`);
      test = { [c.operator]: [v, x] };
      break;
    case 'contains':
      if (typeof x !== 'string') throw new NotRepresentable(`condition contains on "${c.attribute}" has a non-text value`);
      test = { in: [x, v] };
      break;
    case 'semver_eq':
    case 'semver_gt':
    case 'semver_gte':
    case 'semver_lt':
    case 'semver_lte':
      if (typeof x !== 'string') throw new NotRepresentable(`condition ${c.operator} on "${c.attribute}" has a non-text version`);
      test = { sem_ver: [v, SEMVER[c.operator]!, x] };
      break;
    default:
      throw new NotRepresentable(`operator ${c.operator} (on "${c.attribute}") has no JsonLogic equivalent`);
  }
  return c.negate ? { and: [{ '!=': [v, null] }, { '!': [test] }] } : test;
}

interface Compiled {
  /** JsonLogic giving a variant name, or `null` for the flag's fallback. */
  logic: JsonValue;
  /** True when no context can change the answer. */
  fixed: boolean;
}

function splitLogic(stickiness: string | undefined, buckets: JsonValue[]): JsonValue {
  // flagd buckets flagKey + targetingKey by default; another attribute is bucketed the same way.
  const by = stickiness === undefined || stickiness === 'targetingKey' ? [] : [{ cat: [{ var: '$flagd.flagKey' }, { var: stickiness }] }];
  return { fractional: [...by, ...buckets] };
}

function ruleLogic(rule: Rule | undefined, variants: Variants, warn: (m: string) => void, fallbackName: string): Compiled {
  if (!rule) return { logic: null, fixed: true };
  switch (rule.type) {
    case 'static':
      return { logic: variants.name(rule.value, rule.variant), fixed: true };
    case 'variant': {
      warn('the split is written as fractional, which buckets units differently: units move between variants (the proportions are kept)');
      const weights = integerWeights(rule.variants.map((v) => v.weight));
      return { logic: splitLogic(rule.stickiness, rule.variants.map((v, i) => [variants.name(v.value, v.name ?? variantName(v.value, i)), weights[i]!])), fixed: false };
    }
    case 'rollout': {
      warn('the rollout is written as fractional, which buckets units differently: other units get the rollout value (the percentage is kept)');
      const otherwise = ruleLogic(rule.otherwise, variants, warn, fallbackName);
      if (!otherwise.fixed) throw new NotRepresentable('a rollout whose other units get a rule that depends on the context');
      const [inside, outside] = integerWeights([rule.percentage, 100 - rule.percentage]);
      const rest = otherwise.logic === null ? fallbackName : (otherwise.logic as string);
      return { logic: splitLogic(rule.stickiness, [[variants.name(rule.value, 'rollout'), inside!], [rest, outside!]]), fixed: false };
    }
    case 'schedule': {
      const zone = rule.timezone ?? 'UTC';
      const windows = rule.windows.map((w) => {
        const from = w.from === undefined ? undefined : parseInstant(w.from, zone);
        const to = w.to === undefined ? undefined : parseInstant(w.to, zone);
        if ((from && from.start % 1000 !== 0) || (to && to.end % 1000 !== 999)) throw new NotRepresentable('a schedule window bound finer than a second ($flagd.timestamp counts seconds)');
        const parts: JsonValue[] = [];
        if (from) parts.push({ '>=': [{ var: '$flagd.timestamp' }, from.start / 1000] });
        if (to) parts.push({ '<=': [{ var: '$flagd.timestamp' }, (to.end - 999) / 1000] });
        return { and: parts };
      });
      const inside = variants.name(rule.value ?? true);
      const otherwise = rule.otherwise ? ruleLogic(rule.otherwise, variants, warn, fallbackName).logic : rule.value === undefined ? variants.name(false) : null;
      return { logic: { if: [{ or: windows }, inside, otherwise] }, fixed: false };
    }
    case 'targeting': {
      const args: JsonValue[] = [];
      for (const clause of rule.rules) args.push(conditionLogic(clause.when), ruleLogic(clause.serve, variants, warn, fallbackName).logic);
      args.push(ruleLogic(rule.otherwise, variants, warn, fallbackName).logic);
      warn("conditions are written as JsonLogic comparisons, which do not coerce as Switchyard's operators do (a number attribute against a numeric string, list attributes, a dotted key read literally)");
      return { logic: { if: args }, fixed: false };
    }
    case 'flagd':
      throw new NotRepresentable('a flagd rule nested in another rule');
    case 'acceptance':
      throw new NotRepresentable(`an acceptance rule asks the "${rule.source}" source at run time, which flagd cannot`);
    case 'unleash':
      throw new NotRepresentable("an unleash rule (strategies, Unleash's hashing) has no flagd equivalent");
  }
}

function exportOne(d: FlagDefinition, values: MaintainedValues | undefined, options: ExportFlagdOptions, warn: (m: string) => void): Record<string, unknown> {
  if (values && (values.rootValue !== undefined || Object.keys(values.scopedValues ?? {}).length > 0)) {
    throw new NotRepresentable('it has maintained (root or scoped) values, which flagd cannot hold');
  }
  if (d.prerequisites?.length) throw new NotRepresentable(`prerequisites (${d.prerequisites.map((p) => p.flag).join(', ')}) have no flagd equivalent`);
  const env = options.environment;
  const envs = Object.keys(d.environments ?? {});
  if (env === undefined && envs.length > 0) throw new NotRepresentable(`rules per environment (${envs.join(', ')}); flagd has none: choose one with --environment`);
  const rule = env !== undefined ? (d.environments?.[env] ?? d.defaultRule) : d.defaultRule;
  const metadata: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(d.metadata ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') metadata[k] = v;
    else warn(`metadata "${k}" is not a string, number or boolean; not written`);
  }
  if (d.description !== undefined) warn('the description is not written (flagd flags have none)');
  if (d.tags?.length) warn('tags are not written (flagd flags have none)');
  if (d.validations?.length) warn('validations are not written (they check maintained values, which flagd has none of)');
  const out: Record<string, unknown> = { state: d.enabled === false ? 'DISABLED' : 'ENABLED' };
  if (d.enabled === false) warn('flagd answers a disabled flag without a value (callers use their own default), Switchyard with fallbackValue');
  if (rule?.type === 'flagd') {
    out.variants = rule.variants;
    if (rule.defaultVariant !== undefined) out.defaultVariant = rule.defaultVariant;
    if (rule.targeting !== undefined) out.targeting = rule.targeting;
  } else {
    const variants = new Variants();
    const fallbackName = variants.name(d.fallbackValue);
    const compiled = ruleLogic(rule, variants, warn, fallbackName);
    let defaultVariant = fallbackName;
    if (compiled.fixed && typeof compiled.logic === 'string') defaultVariant = compiled.logic;
    else if (!compiled.fixed) out.targeting = compiled.logic;
    out.variants = Object.fromEntries(variants.map);
    out.defaultVariant = defaultVariant;
    if (rule?.type === 'variant' || rule?.type === 'rollout') warn('a unit without the stickiness attribute gets the default variant in flagd, TARGETING_KEY_MISSING in Switchyard');
  }
  if (Object.keys(metadata).length) out.metadata = metadata;
  return out;
}

/**
 * Writes definitions as a flagd flag-definition document: flagd rules as they are, and native rules
 * where flagd can express them (static values, splits and rollouts as `fractional`, schedules over
 * `$flagd.timestamp`, targeting as JsonLogic). Every difference is a note; flags that cannot be
 * written (acceptance and Unleash rules, prerequisites, maintained values, several environments
 * without `environment`) are left out with an `error` note.
 */
export function exportFlagd(
  definitions: readonly FlagDefinition[],
  values: Readonly<Record<string, MaintainedValues>> = {},
  options: ExportFlagdOptions = {},
): FlagdExport {
  const notes: FlagdExportNote[] = [];
  const flags: Record<string, unknown> = {};
  const written: string[] = [];
  const sets = new Set(definitions.map((d) => d.flagSet));
  for (const d of definitions) {
    const own: FlagdExportNote[] = [];
    const warn = (message: string) => {
      if (!own.some((n) => n.message === message)) own.push({ key: d.key, severity: 'warning', message });
    };
    try {
      const flag = exportOne(d, Object.prototype.hasOwnProperty.call(values, d.key) ? values[d.key] : undefined, options, warn);
      Object.defineProperty(flags, d.key, { value: flag, enumerable: true, writable: true, configurable: true });
      written.push(d.key);
      notes.push(...own);
    } catch (err) {
      if (!(err instanceof NotRepresentable)) throw err;
      notes.push({ key: d.key, severity: 'error', message: `not written: ${err.message}` });
    }
  }
  const doc: Record<string, unknown> = {};
  if (options.schema !== false) doc.$schema = options.schema ?? FLAGD_SCHEMA;
  const [only] = [...sets];
  if (sets.size === 1 && only !== undefined) doc.metadata = { flagSetId: only };
  doc.flags = flags;
  return { text: `${JSON.stringify(doc, null, 2)}\n`, written, notes };
}
