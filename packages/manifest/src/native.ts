import { acceptCommonDefinition, unknownKeyMessage } from '@switchyard/core';
import type { FlagDefinition, FlagType } from '@switchyard/core';
import { checkAcceptanceSources, compileFlag, PathLinks } from './compile-flag';
import type { KeyNames } from './compile-flag';
import { hasErrors, isPlainObject, setOwn, sourceOf } from './document-result';
import type { ReadContext } from './document-result';
import type { Diagnostic } from './diagnostic';
import { describeValue } from './schema-issues';
import { readSeededValues } from './seeded-values';
import type { DocPath } from './yaml-document';

/** The format version this reader understands (`switchyard: 1`). */
export const NATIVE_FORMAT_VERSION = 1;

const ROOT_KEYS = new Set(['switchyard', 'flags', '$schema']);
/** Definition fields that come from the manifest itself, never from the author. */
const DERIVED_KEYS: Record<string, string> = {
  key: 'the flag key is the map key',
  flagSet: 'the flag set is the file path',
  source: 'the source is the position in the file',
};

/** The flag type a fallback value implies; `undefined` for values no flag can serve. */
function impliedType(value: unknown): FlagType | undefined {
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'object':
      return value === null ? undefined : 'object';
    default:
      return undefined;
  }
}

/**
 * Reads a native manifest: `switchyard: 1` and `flags:` (flag key → definition). Shorthands are
 * expanded before core's schema checks the definition: a plain value where a rule is expected is
 * `{type: static, value}`, `fallback` is `fallbackValue`, and a missing `type` is the fallback's type.
 */
export function readNative(root: Record<string, unknown>, ctx: ReadContext): void {
  const { doc, out } = ctx;
  if (root.switchyard !== NATIVE_FORMAT_VERSION) {
    out.diagnostics.push(doc.diagnostic(['switchyard'], `unsupported format version ${describeValue(root.switchyard, false)}, this reader understands ${NATIVE_FORMAT_VERSION}`, 'invalid-format'));
    return;
  }
  for (const key of Object.keys(root)) {
    if (!ROOT_KEYS.has(key)) out.diagnostics.push(doc.diagnostic([key], unknownKeyMessage(key, [...ROOT_KEYS]), 'unknown-key'));
  }
  const flags = root.flags;
  if (flags === undefined || flags === null) return;
  if (!isPlainObject(flags)) {
    out.diagnostics.push(doc.diagnostic(['flags'], `expected a map of flag keys to definitions, got ${describeValue(flags)}`, 'invalid-definition'));
    return;
  }
  for (const [key, raw] of ctx.doc.entriesAt(['flags'], flags)) readFlag(key, raw, ['flags', key], ctx);
}

function readFlag(key: string, raw: unknown, at: DocPath, ctx: ReadContext): void {
  const { doc, out } = ctx;
  if (!isPlainObject(raw)) {
    out.diagnostics.push(doc.diagnostic(at, `expected a flag definition (a map), got ${describeValue(raw)}`, 'invalid-definition'));
    return;
  }
  const before = out.diagnostics.length;
  const built = buildCandidate(key, raw, at, ctx, undefined, out.diagnostics);
  if (!built) return;
  // The common shapes are checked without links between the definition and the document; only a
  // definition with a problem (or a rarer shape) is built again with them, to place each report.
  let definition: FlagDefinition | undefined = acceptCommonDefinition(built.candidate);
  let links: PathLinks | undefined;
  if (!definition) {
    links = new PathLinks(at);
    const { candidate, noFallback } = buildCandidate(key, raw, at, ctx, links, [])!;
    definition = compileFlag(candidate, links, doc, out.diagnostics, undefined, (f) => noFallback && f.path.length === 1 && f.path[0] === 'type', nativeKeyNames);
  }
  if (!definition) return;
  if (ctx.acceptanceSources) checkAcceptanceSources(definition, ctx.acceptanceSources, () => links ?? linksOf(key, raw, at, ctx), doc, out.diagnostics);
  if (raw.values !== undefined) readSeededValues(definition, raw.values, [...at, 'values'], ctx);
  if (hasErrors(out.diagnostics, before) || doc.hasDuplicateWithin(at)) out.values.delete(key);
  else out.flags.push({ definition, docPath: at });
}

function linksOf(key: string, raw: Record<string, unknown>, at: DocPath, ctx: ReadContext): PathLinks {
  const links = new PathLinks(at);
  buildCandidate(key, raw, at, ctx, links, []);
  return links;
}

/**
 * The core definition a native entry stands for (shorthands expanded). With `links`, records where
 * each part of the definition sits in the document. Problems that are the author's to fix go to
 * `diagnostics`; `undefined` when the entry cannot become a definition at all.
 */
function buildCandidate(
  key: string,
  raw: Record<string, unknown>,
  at: DocPath,
  ctx: ReadContext,
  links: PathLinks | undefined,
  diagnostics: Diagnostic[],
): { candidate: Record<string, unknown>; noFallback: boolean } | undefined {
  const { doc } = ctx;
  links?.link(['key'], at);
  const { fallback, values: _values, ...fields } = raw;
  for (const name in DERIVED_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(fields, name)) continue;
    diagnostics.push(doc.diagnostic([...at, name], `"${name}" cannot be set here: ${DERIVED_KEYS[name]}`, 'unknown-key'));
    delete fields[name];
  }
  const candidate: Record<string, unknown> = { key, ...fields };
  // `fallback` is the spelling problems are reported under, unless the author wrote `fallbackValue`.
  if (fields.fallbackValue === undefined) links?.link(['fallbackValue'], [...at, 'fallback']);
  if (fallback !== undefined) {
    if (fields.fallbackValue !== undefined) {
      diagnostics.push(doc.diagnostic([...at, 'fallback'], 'fallback and fallbackValue are the same setting, keep one', 'invalid-definition'));
      return undefined;
    }
    candidate.fallbackValue = fallback;
  }
  if (candidate.type === undefined) {
    const implied = impliedType(candidate.fallbackValue);
    if (implied) {
      candidate.type = implied;
      links?.link(['type'], at);
    }
  }
  if (isPlainObject(fields.environments)) {
    const environments: Record<string, unknown> = {};
    for (const [env, rule] of Object.entries(fields.environments)) setOwn(environments, env, expandRule(rule, ['environments', env], links, at));
    candidate.environments = environments;
  }
  if (fields.defaultRule !== undefined) candidate.defaultRule = expandRule(fields.defaultRule, ['defaultRule'], links, at);
  candidate.flagSet = ctx.flagSet;
  candidate.source = sourceOf(ctx, at);
  // Without a fallback there is no type to infer either; "fallback: required" says all there is.
  const noFallback = candidate.type === undefined && candidate.fallbackValue === undefined;
  return { candidate, noFallback };
}

/** A flag's keys as the native format spells them: `fallback` and `values` besides core's, without the derived ones. */
const nativeKeyNames: KeyNames = (corePath, known) =>
  corePath.length === 0 ? [...known.filter((k) => !Object.prototype.hasOwnProperty.call(DERIVED_KEYS, k)), 'fallback', 'values'] : known;

/** Expands plain values to static rules, at any depth (`otherwise`, targeting `serve`). */
function expandRule(rule: unknown, corePath: DocPath, links: PathLinks | undefined, at: DocPath): unknown {
  if (typeof rule === 'string' || typeof rule === 'number' || typeof rule === 'boolean' || Array.isArray(rule)) {
    links?.link([...corePath, 'value'], [...at, ...corePath]);
    return { type: 'static', value: rule };
  }
  if (!isPlainObject(rule)) return rule;
  const out: Record<string, unknown> = { ...rule };
  if (rule.otherwise !== undefined) out.otherwise = expandRule(rule.otherwise, [...corePath, 'otherwise'], links, at);
  if (rule.type === 'targeting' && Array.isArray(rule.rules)) {
    out.rules = rule.rules.map((clause: unknown, i) =>
      isPlainObject(clause) && clause.serve !== undefined ? { ...clause, serve: expandRule(clause.serve, [...corePath, 'rules', i, 'serve'], links, at) } : clause,
    );
  }
  return out;
}
