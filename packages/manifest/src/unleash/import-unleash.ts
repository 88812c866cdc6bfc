import { flagDefinitionSchema, FLAG_KEY_PATTERN, UNLEASH_OPERATORS, UNLEASH_STRATEGIES } from '@switchyard/core';
import type { FlagDefinition, Prerequisite, UnleashConstraint, UnleashRule, UnleashStrategy, UnleashVariant } from '@switchyard/core';
import { formatDocumentPath } from '../diagnostic';
import { isPlainObject } from '../document-result';
import { unleashFlagKey } from './unleash-key';

/** Something the importer could not carry over exactly, or chose to leave out. */
export interface UnleashImportNote {
  severity: 'error' | 'warning';
  /** Where in the input, e.g. `features[3].strategies[0].segments[1]`. */
  path: string;
  /** The Unleash feature concerned, when there is one. */
  feature?: string;
  message: string;
}

export interface UnleashImportResult {
  /** Which input shape was read. */
  format: 'export' | 'client' | 'delta';
  /** One boolean flag per Unleash feature that could be mapped exactly. */
  definitions: FlagDefinition[];
  /** Unleash feature name → Switchyard flag key, for every imported feature. */
  keys: Record<string, string>;
  /** Errors: features left out. Warnings: mapped, with the difference stated. */
  notes: UnleashImportNote[];
}

export interface UnleashImportOptions {
  /** Put every flag into this flag set. */
  flagSet?: string;
  /** For an admin export holding several environments: which one to import. Default: the only one. */
  environment?: string;
}

interface RawSegment {
  id: number;
  constraints?: unknown;
}

interface Feature {
  name: string;
  enabled: boolean;
  description?: string;
  strategies: { raw: Record<string, unknown>; path: (string | number)[] }[];
  variants?: unknown;
  variantsPath: (string | number)[];
  dependencies?: unknown;
  dependenciesPath: (string | number)[];
  tags: string[];
  metadata: Record<string, string | boolean>;
  path: (string | number)[];
}

/**
 * Maps Unleash feature toggles to Switchyard flags that evaluate exactly as Unleash does (an
 * `unleash` rule per feature, dependencies as prerequisites). Reads an admin export
 * (`features`, `featureStrategies`, `featureEnvironments`, `segments`, `dependencies`, …), the
 * client API's `/api/client/features` answer (`features` with strategies, `segments`), or its delta
 * events. Nothing is dropped silently: every difference is a note.
 */
export function importUnleash(input: unknown, options: UnleashImportOptions = {}): UnleashImportResult {
  const notes: UnleashImportNote[] = [];
  const note = (severity: UnleashImportNote['severity'], path: (string | number)[], message: string, feature?: string) =>
    notes.push({ severity, path: formatDocumentPath(path), message, ...(feature !== undefined ? { feature } : {}) });
  if (!isPlainObject(input)) {
    note('error', [], 'expected an Unleash export: a JSON object with "features" (or "events")');
    return { format: 'client', definitions: [], keys: {}, notes };
  }
  let read: { format: UnleashImportResult['format']; features: Feature[]; segments: Map<number, RawSegment> };
  if (Array.isArray(input.featureStrategies) || Array.isArray(input.featureEnvironments)) read = readExport(input, options, note);
  else if (Array.isArray(input.events)) read = readDelta(input.events, note);
  else if (Array.isArray(input.features)) read = readClient(input, note);
  else {
    note('error', [], 'expected an Unleash export: "features" with "featureStrategies" (admin export), or "features" with strategies (client API), or "events" (delta API)');
    return { format: 'client', definitions: [], keys: {}, notes };
  }
  return { format: read.format, ...mapFeatures(read.features, read.segments, options, note), notes };
}

type Note = (severity: UnleashImportNote['severity'], path: (string | number)[], message: string, feature?: string) => void;

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function readSegments(list: unknown, path: (string | number)[], note: Note, into = new Map<number, RawSegment>()): Map<number, RawSegment> {
  if (list === undefined) return into;
  if (!Array.isArray(list)) {
    note('error', path, 'expected a list of segments');
    return into;
  }
  list.forEach((s, i) => {
    if (!isPlainObject(s) || typeof s.id !== 'number') note('error', [...path, i], 'a segment needs a numeric "id"');
    else into.set(s.id, { id: s.id, constraints: s.constraints });
  });
  return into;
}

const FEATURE_META = ['type', 'project', 'stale', 'impressionData'] as const;

function baseFeature(raw: Record<string, unknown>, path: (string | number)[]): Omit<Feature, 'enabled' | 'strategies' | 'variants' | 'variantsPath' | 'dependencies' | 'dependenciesPath'> {
  const metadata: Record<string, string | boolean> = {};
  for (const k of FEATURE_META) {
    const v = raw[k];
    if (typeof v === 'string' || typeof v === 'boolean') metadata[k === 'type' ? 'unleashType' : k === 'project' ? 'unleashProject' : k] = v;
  }
  return { name: raw.name as string, description: text(raw.description), tags: [], metadata, path };
}

function readClient(input: Record<string, unknown>, note: Note): { format: 'client'; features: Feature[]; segments: Map<number, RawSegment> } {
  const segments = readSegments(input.segments, ['segments'], note);
  const features: Feature[] = [];
  (input.features as unknown[]).forEach((raw, i) => {
    const f = clientFeature(raw, ['features', i], note);
    if (f) features.push(f);
  });
  return { format: 'client', features, segments };
}

function clientFeature(raw: unknown, path: (string | number)[], note: Note): Feature | undefined {
  if (!isPlainObject(raw) || typeof raw.name !== 'string' || raw.name === '') {
    note('error', path, 'a feature needs a "name"');
    return undefined;
  }
  const strategies = Array.isArray(raw.strategies) ? raw.strategies : [];
  if (raw.strategies !== undefined && !Array.isArray(raw.strategies)) note('error', [...path, 'strategies'], 'expected a list of strategies', raw.name);
  if (Array.isArray(raw.segments) && raw.segments.length > 0) {
    note('warning', [...path, 'segments'], 'segments on the feature itself take no part in evaluation (only strategy segments do); left out', raw.name);
  }
  return {
    ...baseFeature(raw, path),
    enabled: raw.enabled !== false,
    strategies: strategies.map((s, j) => ({ raw: isPlainObject(s) ? s : {}, path: [...path, 'strategies', j] })),
    variants: raw.variants,
    variantsPath: [...path, 'variants'],
    dependencies: raw.dependencies,
    dependenciesPath: [...path, 'dependencies'],
  };
}

function readDelta(events: unknown[], note: Note): { format: 'delta'; features: Feature[]; segments: Map<number, RawSegment> } {
  const features = new Map<string, Feature>();
  const segments = new Map<number, RawSegment>();
  events.forEach((event, i) => {
    const at = ['events', i];
    if (!isPlainObject(event)) return note('error', at, 'expected an event object');
    switch (event.type) {
      case 'hydration':
        features.clear();
        segments.clear();
        readSegments(event.segments, [...at, 'segments'], note, segments);
        if (Array.isArray(event.features)) {
          event.features.forEach((raw, j) => {
            const f = clientFeature(raw, [...at, 'features', j], note);
            if (f) features.set(f.name, f);
          });
        }
        return;
      case 'feature-updated': {
        const f = clientFeature(event.feature, [...at, 'feature'], note);
        if (f) features.set(f.name, f);
        return;
      }
      case 'feature-removed':
        if (typeof event.featureName === 'string') features.delete(event.featureName);
        return;
      case 'segment-updated':
        readSegments([event.segment], [...at, 'segment'], note, segments);
        return;
      case 'segment-removed':
        if (typeof event.segmentId === 'number') segments.delete(event.segmentId);
        return;
      default:
        note('warning', [...at, 'type'], `unknown event type ${JSON.stringify(event.type)}; left out`);
    }
  });
  return { format: 'delta', features: [...features.values()], segments };
}

function readExport(input: Record<string, unknown>, options: UnleashImportOptions, note: Note): { format: 'export'; features: Feature[]; segments: Map<number, RawSegment> } {
  const segments = new Map<number, RawSegment>();
  if (Array.isArray(input.segments)) {
    input.segments.forEach((s, i) => {
      if (!isPlainObject(s) || typeof s.id !== 'number') return note('error', ['segments', i], 'a segment needs a numeric "id"');
      // An admin export names segments without their constraints; they are only usable when present.
      if (s.constraints !== undefined) segments.set(s.id, { id: s.id, constraints: s.constraints });
    });
  }
  const envs = new Set<string>();
  const environments = Array.isArray(input.featureEnvironments) ? input.featureEnvironments.filter(isPlainObject) : [];
  for (const fe of environments) if (typeof fe.environment === 'string') envs.add(fe.environment);
  let environment = options.environment;
  if (environment === undefined && envs.size > 1) {
    note('error', ['featureEnvironments'], `the export holds several environments (${[...envs].join(', ')}); choose one`);
    return { format: 'export', features: [], segments };
  }
  environment ??= [...envs][0];
  const byFeature = new Map<string, { enabled: boolean; variants?: unknown; path: (string | number)[] }>();
  (Array.isArray(input.featureEnvironments) ? input.featureEnvironments : []).forEach((fe, i) => {
    if (!isPlainObject(fe) || typeof fe.featureName !== 'string') return;
    if (environment !== undefined && fe.environment !== undefined && fe.environment !== environment) return;
    byFeature.set(fe.featureName, { enabled: fe.enabled === true, variants: fe.variants, path: ['featureEnvironments', i] });
  });
  const strategies = new Map<string, { raw: Record<string, unknown>; path: (string | number)[]; order: number }[]>();
  (Array.isArray(input.featureStrategies) ? input.featureStrategies : []).forEach((s, i) => {
    if (!isPlainObject(s) || typeof s.featureName !== 'string') return note('error', ['featureStrategies', i], 'a strategy needs a "featureName"');
    if (environment !== undefined && typeof s.environment === 'string' && s.environment !== environment) return;
    if (s.disabled === true) return note('warning', ['featureStrategies', i], 'disabled strategy: Unleash does not evaluate it; left out', s.featureName);
    const list = strategies.get(s.featureName) ?? [];
    list.push({ raw: s, path: ['featureStrategies', i], order: typeof s.sortOrder === 'number' ? s.sortOrder : list.length });
    strategies.set(s.featureName, list);
  });
  const dependencies = new Map<string, { list: unknown; path: (string | number)[] }>();
  (Array.isArray(input.dependencies) ? input.dependencies : []).forEach((d, i) => {
    if (isPlainObject(d) && typeof d.feature === 'string') dependencies.set(d.feature, { list: d.dependencies, path: ['dependencies', i, 'dependencies'] });
  });
  const tags = new Map<string, string[]>();
  (Array.isArray(input.featureTags) ? input.featureTags : []).forEach((t) => {
    if (!isPlainObject(t) || typeof t.featureName !== 'string') return;
    const type = text(t.tagType) ?? text(t.type);
    const value = text(t.tagValue) ?? text(t.value);
    if (value === undefined) return;
    const list = tags.get(t.featureName) ?? [];
    list.push(type && type !== 'simple' ? `${type}:${value}` : value);
    tags.set(t.featureName, list);
  });
  if (Array.isArray(input.links) && input.links.length > 0) note('warning', ['links'], 'feature links are not part of a flag definition; left out');
  if (Array.isArray(input.contextFields) && input.contextFields.length > 0) {
    note('warning', ['contextFields'], 'context field definitions (legal values, descriptions) have no Switchyard counterpart; left out');
  }
  const features: Feature[] = [];
  (Array.isArray(input.features) ? input.features : []).forEach((raw, i) => {
    const path = ['features', i];
    if (!isPlainObject(raw) || typeof raw.name !== 'string' || raw.name === '') return note('error', path, 'a feature needs a "name"');
    if (raw.archived === true) return note('warning', path, 'archived feature; left out', raw.name);
    const env = byFeature.get(raw.name);
    const deps = dependencies.get(raw.name);
    const list = (strategies.get(raw.name) ?? []).sort((a, b) => a.order - b.order);
    features.push({
      ...baseFeature(raw, path),
      enabled: env?.enabled ?? false,
      strategies: list.map(({ raw: s, path: p }) => ({ raw: s, path: p })),
      variants: env?.variants,
      variantsPath: env ? [...env.path, 'variants'] : path,
      dependencies: deps?.list,
      dependenciesPath: deps?.path ?? path,
      tags: tags.get(raw.name) ?? [],
    });
    if (!env) note('warning', path, `no environment settings for this feature${environment ? ` in ${environment}` : ''}: imported disabled`, raw.name);
  });
  for (const f of features) if (environment !== undefined) f.metadata.unleashEnvironment = environment;
  return { format: 'export', features, segments };
}

function mapFeatures(features: Feature[], segments: Map<number, RawSegment>, options: UnleashImportOptions, note: Note): Omit<UnleashImportResult, 'format' | 'notes'> {
  const keys: Record<string, string> = {};
  const byKey = new Map<string, string>();
  const byName = new Map(features.map((f) => [f.name, f]));
  const definitions: FlagDefinition[] = [];
  for (const f of features) {
    const key = unleashFlagKey(f.name);
    if (!FLAG_KEY_PATTERN.test(key)) {
      note('error', f.path, `feature name ${JSON.stringify(f.name)} is too long for a flag key (at most 256 characters); left out`, f.name);
      continue;
    }
    const clash = byKey.get(key);
    if (clash !== undefined) {
      note('error', f.path, `feature ${JSON.stringify(f.name)} would get the flag key "${key}", which ${JSON.stringify(clash)} already has; left out`, f.name);
      continue;
    }
    if (key !== f.name) note('warning', f.path, `flag key "${key}": the name is not a valid Switchyard key (letters, digits and _ - . / :); bucketing still uses the Unleash name`, f.name);
    const rule: UnleashRule = { type: 'unleash', feature: f.name, strategies: f.strategies.map((s) => strategy(s.raw, s.path, f.name, segments, note)) };
    const variants = variantList(f.variants, f.variantsPath, f.name, note);
    if (variants && variants.length > 0) rule.variants = variants;
    const prerequisites = dependencyList(f, byName, note);
    const definition: FlagDefinition = { key, type: 'boolean', fallbackValue: false, defaultRule: rule };
    if (f.description !== undefined) definition.description = f.description;
    if (!f.enabled) definition.enabled = false;
    if (prerequisites === 'never') {
      definition.enabled = false;
    } else if (prerequisites.length > 0) definition.prerequisites = prerequisites;
    if (f.tags.length) definition.tags = f.tags;
    if (Object.keys(f.metadata).length) definition.metadata = f.metadata;
    if (options.flagSet !== undefined) definition.flagSet = options.flagSet;
    const parsed = flagDefinitionSchema.safeParse(definition);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) note('error', [...f.path, ...issue.path.map(String)], `${issue.message}; feature left out`, f.name);
      continue;
    }
    byKey.set(key, f.name);
    keys[f.name] = key;
    definitions.push(parsed.data);
  }
  return { definitions, keys };
}

function strategy(raw: Record<string, unknown>, path: (string | number)[], feature: string, segments: Map<number, RawSegment>, note: Note): UnleashStrategy {
  const name = typeof raw.name === 'string' ? raw.name : '';
  if (!UNLEASH_STRATEGIES.has(name)) {
    note('warning', [...path, 'name'], `custom strategy ${JSON.stringify(name)}: Unleash's SDKs without its implementation never enable it, and neither does Switchyard`, feature);
  }
  const out: UnleashStrategy = { name: name || 'unknown' };
  if (isPlainObject(raw.parameters)) {
    const parameters: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw.parameters)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parameters[k] = String(v);
      else if (v !== null && v !== undefined) note('warning', [...path, 'parameters', k], 'parameter is not text or a number; left out', feature);
    }
    if (Object.keys(parameters).length) out.parameters = parameters;
  }
  const constraints = constraintList(raw.constraints, [...path, 'constraints'], feature, note);
  if (Array.isArray(raw.segments)) {
    raw.segments.forEach((id, i) => {
      const segment = typeof id === 'number' ? segments.get(id) : undefined;
      if (!segment) {
        note('warning', [...path, 'segments', i], `segment ${JSON.stringify(id)} is not defined with its constraints in this input: the strategy never matches (as in Unleash's SDKs)`, feature);
        constraints.push({ contextName: '', operator: 'SEGMENT_NOT_DEFINED', values: [String(id)] });
        return;
      }
      constraints.push(...constraintList(segment.constraints, [...path, 'segments', i], feature, note));
    });
  }
  if (constraints.length) out.constraints = constraints;
  const variants = variantList(raw.variants, [...path, 'variants'], feature, note);
  if (variants && variants.length) out.variants = variants;
  return out;
}

function constraintList(list: unknown, path: (string | number)[], feature: string, note: Note): UnleashConstraint[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    note('warning', path, 'expected a list of constraints; the strategy never matches', feature);
    return [{ contextName: '', operator: 'MALFORMED' }];
  }
  return list.map((c, i) => {
    if (!isPlainObject(c)) {
      note('warning', [...path, i], 'malformed constraint: it never holds', feature);
      return { contextName: '', operator: 'MALFORMED' };
    }
    const out: UnleashConstraint = { contextName: typeof c.contextName === 'string' ? c.contextName : '', operator: typeof c.operator === 'string' ? c.operator : '' };
    if (!UNLEASH_OPERATORS.has(out.operator)) note('warning', [...path, i, 'operator'], `unknown operator ${JSON.stringify(c.operator)}: the constraint never holds (as in Unleash's SDKs)`, feature);
    if (Array.isArray(c.values)) out.values = c.values.filter((v): v is string => typeof v === 'string');
    if (typeof c.value === 'string' || typeof c.value === 'number') out.value = String(c.value);
    if (c.inverted === true) out.inverted = true;
    if (c.caseInsensitive === true) out.caseInsensitive = true;
    return out;
  });
}

function variantList(list: unknown, path: (string | number)[], feature: string, note: Note): UnleashVariant[] | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) {
    note('warning', path, 'expected a list of variants; left out', feature);
    return undefined;
  }
  const out: UnleashVariant[] = [];
  list.forEach((v, i) => {
    if (!isPlainObject(v) || typeof v.name !== 'string' || typeof v.weight !== 'number') return note('warning', [...path, i], 'a variant needs a name and a weight; left out', feature);
    const variant: UnleashVariant = { name: v.name, weight: v.weight };
    if (typeof v.stickiness === 'string' && v.stickiness !== '') variant.stickiness = v.stickiness;
    if (isPlainObject(v.payload) && typeof v.payload.type === 'string' && v.payload.value !== undefined) {
      variant.payload = { type: v.payload.type, value: typeof v.payload.value === 'string' ? v.payload.value : JSON.stringify(v.payload.value) };
    }
    if (Array.isArray(v.overrides)) {
      const overrides = v.overrides.filter((o): o is { contextName: string; values: unknown[] } => isPlainObject(o) && typeof o.contextName === 'string' && Array.isArray(o.values));
      if (overrides.length) variant.overrides = overrides.map((o) => ({ contextName: o.contextName, values: o.values.filter((x): x is string => typeof x === 'string') }));
    }
    out.push(variant);
  });
  return out;
}

function dependencyList(f: Feature, byName: Map<string, Feature>, note: Note): Prerequisite[] | 'never' {
  const list = f.dependencies;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    note('warning', f.dependenciesPath, 'expected a list of dependencies; left out', f.name);
    return [];
  }
  const out: Prerequisite[] = [];
  for (const [i, d] of list.entries()) {
    if (!isPlainObject(d) || typeof d.feature !== 'string') {
      note('warning', [...f.dependenciesPath, i], 'a dependency needs a "feature"; left out', f.name);
      continue;
    }
    const parent = byName.get(d.feature);
    if (parent && Array.isArray(parent.dependencies) && parent.dependencies.length > 0) {
      note('warning', [...f.dependenciesPath, i], `parent ${JSON.stringify(d.feature)} has dependencies of its own, so Unleash never enables this feature: imported disabled`, f.name);
      return 'never';
    }
    if (!parent) note('warning', [...f.dependenciesPath, i], `parent ${JSON.stringify(d.feature)} is not in this input: the feature stays off until it exists (as in Unleash)`, f.name);
    const p: Prerequisite = { flag: unleashFlagKey(d.feature), value: d.enabled !== false };
    if (d.enabled !== false && Array.isArray(d.variants) && d.variants.length > 0) p.variants = d.variants.filter((x): x is string => typeof x === 'string');
    out.push(p);
  }
  return out;
}
