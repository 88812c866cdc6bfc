import { compileFlagdTargeting, hasTargeting, LogicError } from '@switchyard/core';
import type { FlagType, FlagValue, JsonValue } from '@switchyard/core';
import { compileFlag, PathLinks } from '../compile-flag';
import { hasErrors, isPlainObject, setOwn, sourceOf } from '../document-result';
import type { ReadContext } from '../document-result';
import { describeValue } from '../schema-issues';
import type { DocPath } from '../yaml-document';

const ROOT_KEYS = new Set(['$schema', 'flags', '$evaluators', 'metadata']);
const FLAG_KEYS = new Set(['state', 'variants', 'defaultVariant', 'targeting', 'metadata']);

/** The value a flag of each type serves when flagd has no default variant to serve (flagd reports the same zero values). */
const ZERO: Record<FlagType, FlagValue> = { boolean: false, string: '', number: 0, object: {} };

function typeOf(value: unknown): FlagType | undefined {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (isPlainObject(value)) return 'object';
  return undefined;
}

/** Primitive metadata entries; anything else is reported and left out. */
function readMetadata(raw: unknown, at: DocPath, ctx: ReadContext): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (raw === undefined || raw === null) return out;
  if (!isPlainObject(raw)) {
    ctx.out.diagnostics.push(ctx.doc.diagnostic(at, `expected a map of metadata, got ${describeValue(raw)}`, 'invalid-definition'));
    return out;
  }
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') setOwn(out, k, v);
    else ctx.out.diagnostics.push(ctx.doc.diagnostic([...at, k], `metadata values are strings, numbers or booleans, got ${describeValue(v)} (ignored)`, 'invalid-definition', 'warning'));
  }
  return out;
}

/**
 * Reads a flagd flag-definition document (JSON or YAML): `flags` (key → `state`, `variants`,
 * `defaultVariant`, `targeting`, `metadata`), shared `$evaluators` referenced with `{"$ref": name}`,
 * and flag-set `metadata` (e.g. `flagSetId`), which flag metadata overrides. Each flag becomes a
 * definition with a `flagd` rule. A `$ref` to a missing evaluator, or targeting that cannot be
 * compiled, is a warning here and a `PARSE_ERROR` when that flag is evaluated: the rest loads.
 */
export function readFlagd(root: Record<string, unknown>, ctx: ReadContext): void {
  const { doc, out } = ctx;
  for (const key of Object.keys(root)) {
    if (!ROOT_KEYS.has(key)) out.diagnostics.push(doc.diagnostic([key], `unknown key "${key}" (ignored)`, 'unknown-key', 'warning'));
  }
  const setMetadata = readMetadata(root.metadata, ['metadata'], ctx);
  const evaluators = new Map<string, unknown>();
  if (root.$evaluators !== undefined) {
    if (isPlainObject(root.$evaluators)) for (const [name, logic] of Object.entries(root.$evaluators)) evaluators.set(name, logic);
    else out.diagnostics.push(doc.diagnostic(['$evaluators'], `expected a map of evaluator names to JsonLogic, got ${describeValue(root.$evaluators)}`, 'invalid-definition'));
  }
  const flags = root.flags;
  if (flags === undefined || flags === null) return;
  if (!isPlainObject(flags)) {
    out.diagnostics.push(doc.diagnostic(['flags'], `expected a map of flag keys to definitions, got ${describeValue(flags)}`, 'invalid-definition'));
    return;
  }
  const flagSet = typeof setMetadata.flagSetId === 'string' ? setMetadata.flagSetId : ctx.flagSet;
  for (const [key, raw] of doc.entriesAt(['flags'], flags)) readFlag(key, raw, ['flags', key], ctx, evaluators, setMetadata, flagSet);
}

function readFlag(
  key: string,
  raw: unknown,
  at: DocPath,
  ctx: ReadContext,
  evaluators: ReadonlyMap<string, unknown>,
  setMetadata: Record<string, string | number | boolean>,
  flagSet: string,
): void {
  const { doc, out } = ctx;
  if (!isPlainObject(raw)) {
    out.diagnostics.push(doc.diagnostic(at, `expected a flag definition (a map), got ${describeValue(raw)}`, 'invalid-definition'));
    return;
  }
  const before = out.diagnostics.length;
  for (const k of Object.keys(raw)) {
    if (!FLAG_KEYS.has(k)) out.diagnostics.push(doc.diagnostic([...at, k], `unknown key "${k}" (ignored)`, 'unknown-key', 'warning'));
  }
  const error = (path: DocPath, message: string, code: 'invalid-definition' | 'type-mismatch' = 'invalid-definition') =>
    out.diagnostics.push(doc.diagnostic(path, message, code));
  if (raw.state !== 'ENABLED' && raw.state !== 'DISABLED') {
    error([...at, raw.state === undefined ? '' : 'state'].filter(Boolean), raw.state === undefined ? 'state: required, ENABLED or DISABLED' : `expected ENABLED or DISABLED, got ${describeValue(raw.state)}`);
  }
  const variants = raw.variants;
  let type: FlagType | undefined;
  let typeAt = '';
  if (!isPlainObject(variants) || Object.keys(variants).length === 0) {
    error(variants === undefined ? at : [...at, 'variants'], variants === undefined ? 'variants: required, a map of variant names to values' : 'expected a map of at least one variant name to its value');
  } else {
    for (const [name, value] of doc.entriesAt([...at, 'variants'], variants)) {
      const t = typeOf(value);
      if (t === undefined) error([...at, 'variants', name], `a variant is a boolean, string, number or object, got ${describeValue(value)}`, 'type-mismatch');
      else if (type === undefined) {
        type = t;
        typeAt = name;
      } else if (t !== type) error([...at, 'variants', name], `every variant of a flag has one type: this is ${t}, variant "${typeAt}" is ${type}`, 'type-mismatch');
    }
  }
  const defaultVariant = raw.defaultVariant;
  if (defaultVariant !== undefined && defaultVariant !== null && typeof defaultVariant !== 'string') error([...at, 'defaultVariant'], `expected a variant name or null, got ${describeValue(defaultVariant)}`);
  const metadata = { ...setMetadata, ...readMetadata(raw.metadata, [...at, 'metadata'], ctx) };
  if (hasErrors(out.diagnostics, before) || type === undefined || !isPlainObject(variants)) return;

  let targeting = raw.targeting as JsonValue | undefined;
  if (targeting !== undefined && targeting !== null && hasTargeting(targeting)) {
    targeting = resolveRefs(targeting, [...at, 'targeting'], evaluators, ctx, new Set());
    try {
      compileFlagdTargeting(targeting, key, Date.now);
    } catch (err) {
      if (!(err instanceof LogicError) || !err.message.startsWith('$ref')) {
        out.diagnostics.push(doc.diagnostic([...at, 'targeting'], `${err instanceof Error ? err.message : String(err)}: this flag answers PARSE_ERROR`, 'invalid-definition', 'warning'));
      }
    }
  }
  const links = new PathLinks(at);
  links.link(['key'], at);
  links.link(['enabled'], [...at, 'state']);
  links.link(['type'], [...at, 'variants']);
  links.link(['fallbackValue'], [...at, 'defaultVariant']);
  links.link(['defaultRule'], at);
  links.link(['metadata'], [...at, 'metadata']);
  const rule: Record<string, unknown> = { type: 'flagd', variants };
  if (typeof defaultVariant === 'string') rule.defaultVariant = defaultVariant;
  if (targeting !== undefined && targeting !== null && hasTargeting(targeting)) rule.targeting = targeting;
  const fallbackValue = typeof defaultVariant === 'string' && Object.prototype.hasOwnProperty.call(variants, defaultVariant) ? variants[defaultVariant] : ZERO[type];
  const candidate: Record<string, unknown> = { key, type, fallbackValue, defaultRule: rule, flagSet, source: sourceOf(ctx, at) };
  if (raw.state === 'DISABLED') candidate.enabled = false;
  if (Object.keys(metadata).length) candidate.metadata = metadata;
  const definition = compileFlag(candidate, links, doc, out.diagnostics);
  if (definition && !hasErrors(out.diagnostics, before) && !doc.hasDuplicateWithin(at)) out.flags.push({ definition, docPath: at });
}

/**
 * Replaces `{"$ref": name}` with the named evaluator, at any depth (evaluators may use others).
 * A missing or circular reference is left in place, reported here, and answers PARSE_ERROR.
 */
function resolveRefs(logic: JsonValue, at: DocPath, evaluators: ReadonlyMap<string, unknown>, ctx: ReadContext, active: Set<string>): JsonValue {
  if (Array.isArray(logic)) return logic.map((item, i) => resolveRefs(item, [...at, i], evaluators, ctx, active));
  if (!isPlainObject(logic)) return logic;
  const keys = Object.keys(logic);
  if (keys.length === 1 && keys[0] === '$ref') {
    const name = logic.$ref;
    const found = typeof name === 'string' && evaluators.has(name);
    if (!found || active.has(name)) {
      const why = !found ? `evaluator ${JSON.stringify(name)} is not defined in $evaluators` : `evaluator "${name}" refers to itself`;
      ctx.out.diagnostics.push(ctx.doc.diagnostic([...at, '$ref'], `${why}: this flag answers PARSE_ERROR`, 'invalid-definition', 'warning'));
      return logic;
    }
    active.add(name);
    const resolved = resolveRefs(evaluators.get(name) as JsonValue, ['$evaluators', name], evaluators, ctx, active);
    active.delete(name);
    return resolved;
  }
  const out: Record<string, JsonValue> = {};
  for (const k of keys) setOwn(out, k, resolveRefs(logic[k] as JsonValue, [...at, k], evaluators, ctx, active));
  return out;
}
