import { parseScopeKey, validateValueUpdates } from '@switchyard/core';
import type { FlagDefinition, FlagStore, FlagValue, MaintainedValues, ScopeMap, ValueUpdate } from '@switchyard/core';
import { canonicalJson, normalizeDefinition, sameJson } from './normalize';

export interface FlagChange {
  key: string;
  kind: 'added' | 'changed' | 'removed' | 'unchanged';
  /** The stored definition (changed, removed, unchanged). */
  before?: FlagDefinition;
  /** The manifest definition (added, changed, unchanged). */
  after?: FlagDefinition;
  /** The stored version the plan was made against; writes are conditional on it. */
  storedVersion?: number;
}

export interface ValueChange {
  key: string;
  /** Absent for the root value. */
  scope?: ScopeMap;
  before?: FlagValue;
  after: FlagValue;
}

/** What importing manifests into a store changes. */
export interface ImportPlan {
  flags: FlagChange[];
  values: ValueChange[];
  /** Stored flags the manifests do not define, left alone without `prune`. */
  kept: string[];
}

export interface PlanInput {
  definitions: readonly FlagDefinition[];
  values: Readonly<Record<string, MaintainedValues>>;
}

/** Compares manifests with a store's flags and values. Throws `ValidationError` for seeded values the definitions refuse. */
export async function planImport(store: FlagStore, input: PlanInput, options: { prune?: boolean } = {}): Promise<ImportPlan> {
  const [storedFlags, storedValues] = await Promise.all([store.listFlags(), store.listValues()]);
  const stored = new Map(storedFlags.map((f) => [f.definition.key, f]));
  const flags: FlagChange[] = [];
  const incoming = new Set<string>();
  for (const raw of input.definitions) {
    const after = normalizeDefinition(raw);
    incoming.add(after.key);
    const current = stored.get(after.key);
    if (!current) {
      flags.push({ key: after.key, kind: 'added', after });
      continue;
    }
    const before = normalizeDefinition(current.definition);
    const kind = canonicalJson(before) === canonicalJson(after) ? 'unchanged' : 'changed';
    flags.push({ key: after.key, kind, before, after, storedVersion: current.version });
  }
  const kept: string[] = [];
  for (const current of storedFlags) {
    if (incoming.has(current.definition.key)) continue;
    if (options.prune) flags.push({ key: current.definition.key, kind: 'removed', before: normalizeDefinition(current.definition), storedVersion: current.version });
    else kept.push(current.definition.key);
  }
  const values: ValueChange[] = [];
  for (const [key, seeded] of Object.entries(input.values)) {
    const current = storedValues[key];
    if (seeded.rootValue !== undefined && !sameJson(seeded.rootValue, current?.rootValue)) {
      values.push({ key, before: current?.rootValue, after: seeded.rootValue });
    }
    for (const [scopeId, value] of Object.entries(seeded.scopedValues ?? {})) {
      const before = current?.scopedValues?.[scopeId];
      if (sameJson(value, before)) continue;
      values.push({ key, scope: parseScopeKey(scopeId) ?? {}, before, after: value });
    }
  }
  const definitions = new Map(input.definitions.map((d) => [d.key, d]));
  validateValueUpdates(valueUpdates(values), (key) => definitions.get(key));
  return { flags, values, kept };
}

/** The store updates that apply a plan's value changes. */
export function valueUpdates(values: readonly ValueChange[]): ValueUpdate[] {
  return values.map((v) => (v.scope ? { key: v.key, value: v.after, scope: v.scope } : { key: v.key, value: v.after }));
}

/** True when the plan writes nothing. */
export function isEmptyPlan(plan: ImportPlan): boolean {
  return plan.values.length === 0 && plan.flags.every((f) => f.kind === 'unchanged');
}

/** Counts by kind, for summaries. */
export function planCounts(plan: ImportPlan): Record<FlagChange['kind'], number> & { values: number } {
  const counts = { added: 0, changed: 0, removed: 0, unchanged: 0, values: plan.values.length };
  for (const f of plan.flags) counts[f.kind]++;
  return counts;
}
