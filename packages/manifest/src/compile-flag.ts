import { acceptCommonDefinition, flagDefinitionSchema, unknownKeyMessage, usesAcceptance } from '@switchyard/core';
import type { FlagDefinition, Rule } from '@switchyard/core';
import type { Diagnostic } from './diagnostic';
import { parseWithSchema, valueAt } from './schema-issues';
import type { Finding } from './schema-issues';
import type { DocPath, SourceDocument } from './yaml-document';

/**
 * Maps paths inside a core definition to paths inside the document it was written as
 * (Featuris `values[1].percentage` ↔ core `variants[1].weight`). The longest linked prefix wins;
 * the rest of the path is kept as is.
 */
export class PathLinks {
  // A short list scanned only when a problem is reported: linking must stay cheap for valid flags.
  private readonly links: { core: DocPath; doc: DocPath }[] = [];

  constructor(private readonly root: DocPath) {}

  link(corePath: DocPath, docPath: DocPath): void {
    this.links.push({ core: corePath, doc: docPath });
  }

  toDoc(corePath: DocPath): DocPath {
    let best: { core: DocPath; doc: DocPath } = { core: [], doc: this.root };
    for (const link of this.links) {
      const { core } = link;
      if (core.length < best.core.length || core.length > corePath.length) continue;
      let i = 0;
      while (i < core.length && core[i] === corePath[i]) i++;
      // Later links win ties, so a more specific link made after a general one takes effect.
      if (i === core.length) best = link;
    }
    return [...best.doc, ...corePath.slice(best.core.length)];
  }
}

const WEIGHT_SUM = /^weights sum to /;

/**
 * Validates a candidate definition with core's `flagDefinitionSchema` and reports every finding
 * at its place in the document. `rewrite` lets a format word messages in its own vocabulary.
 * Returns the definition as checked (without unknown keys, which are reported as errors); callers
 * use it only when no error was reported for the flag.
 */
export function compileFlag(
  candidate: Record<string, unknown>,
  links: PathLinks,
  doc: SourceDocument,
  diagnostics: Diagnostic[],
  rewrite?: (message: string, docPath: DocPath) => string,
  /** Findings that say nothing new, given how the candidate was built. */
  redundant?: (finding: Finding) => boolean,
  /** The keys an author may write where core accepts `known` at `corePath`, for "did you mean" hints. */
  keyNames?: KeyNames,
): FlagDefinition | undefined {
  // Most definitions have a common shape, checked by hand (same result); the schema explains the rest.
  const common = acceptCommonDefinition(candidate);
  if (common) return common;
  const { data, findings, input } = parseWithSchema(flagDefinitionSchema, candidate);
  const all = data ? findings : [...findings, ...crossFieldFindings(findings, input)];
  for (const finding of all) if (!redundant?.(finding)) diagnostics.push(toDiagnostic(finding, candidate, links, doc, rewrite, keyNames));
  return data;
}

/** Adjusts the keys accepted at a core path to what an author writes there (manifest-only keys, renamed keys). */
export type KeyNames = (corePath: DocPath, known: readonly string[]) => readonly string[];

/** Where a flag's rules sit in the definition: `environments.<env>`, `defaultRule`, and every nested rule. */
function* rulesOf(definition: FlagDefinition): Generator<[DocPath, Rule]> {
  function* walk(rule: Rule, path: DocPath): Generator<[DocPath, Rule]> {
    yield [path, rule];
    if ('otherwise' in rule && rule.otherwise) yield* walk(rule.otherwise, [...path, 'otherwise']);
    if (rule.type === 'targeting') for (let i = 0; i < rule.rules.length; i++) yield* walk(rule.rules[i]!.serve, [...path, 'rules', i, 'serve']);
  }
  for (const [env, rule] of Object.entries(definition.environments ?? {})) yield* walk(rule, ['environments', env]);
  if (definition.defaultRule) yield* walk(definition.defaultRule, ['defaultRule']);
}

/**
 * Warns at each acceptance rule whose source is not among `configured`: such a flag can never be
 * accepted where the manifests are served, and evaluates with reason `DISABLED_INTEGRATION`.
 */
export function checkAcceptanceSources(
  definition: FlagDefinition,
  configured: ReadonlySet<string>,
  /** The definition's links to the document, built only when a warning needs them. */
  links: PathLinks | (() => PathLinks),
  doc: SourceDocument,
  diagnostics: Diagnostic[],
): void {
  // Few flags have acceptance rules: the others are passed over without walking their rules.
  if (!usesAcceptance(definition)) return;
  for (const [path, rule] of rulesOf(definition)) {
    if (rule.type !== 'acceptance' || configured.has(rule.source)) continue;
    const { source } = rule;
    if (typeof links === 'function') links = links();
    const served = definition.type === 'boolean' ? 'false' : 'its fallback';
    diagnostics.push(
      doc.diagnostic(
        links.toDoc([...path, 'source']),
        `acceptance source "${source}" is not configured, so this flag can never be accepted and serves ${served} (reason DISABLED_INTEGRATION); configure the source in the server's acceptance settings`,
        'unconfigured-source',
        'warning',
      ),
    );
  }
}

/** Optional parts of a definition that can be left out to check the rest. */
const PRUNABLE = new Set(['environments', 'defaultRule', 'prerequisites', 'validations', 'tags', 'metadata', 'description', 'enabled']);

/**
 * zod skips checks across fields (weights, dates, value types…) while a value has shape errors.
 * To still report everything at once, the misshapen rules are left out and the rest is checked again.
 */
function crossFieldFindings(findings: readonly Finding[], input: unknown): Finding[] {
  const shapeErrors = findings.filter((f) => f.severity === 'error' && !f.crossField);
  if (shapeErrors.length === 0 || input === null || typeof input !== 'object') return [];
  const pruned: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const { path } of shapeErrors) {
    const [field, entry] = path;
    if (typeof field !== 'string' || !PRUNABLE.has(field)) return [];
    if (field === 'environments' && typeof entry === 'string' && pruned.environments && typeof pruned.environments === 'object') {
      const environments = { ...(pruned.environments as Record<string, unknown>) };
      delete environments[entry];
      pruned.environments = environments;
    } else delete pruned[field];
  }
  const seen = new Set(findings.map((f) => `${f.path.join('\u0000')}\u0001${f.message}`));
  return parseWithSchema(flagDefinitionSchema, pruned).findings.filter((f) => f.crossField && !seen.has(`${f.path.join('\u0000')}\u0001${f.message}`));
}

/** Reports a finding of a core path (e.g. from `validateValue`) in the document. */
export function toDiagnostic(
  finding: Finding,
  candidate: unknown,
  links: PathLinks,
  doc: SourceDocument,
  rewrite?: (message: string, docPath: DocPath) => string,
  keyNames?: KeyNames,
): Diagnostic {
  let corePath = finding.path;
  // A weight sum is wrong as a whole; point at the last weight, where the total is reached.
  if (WEIGHT_SUM.test(finding.message) && corePath[corePath.length - 1] === 'variants') {
    const variants = valueAt(candidate, corePath);
    if (Array.isArray(variants) && variants.length > 0) corePath = [...corePath, variants.length - 1, 'weight'];
  }
  const docPath = links.toDoc(corePath);
  if (finding.code === 'unknown-key' && finding.known) {
    // Suggest keys as the author writes them: Featuris `values` for core `variants`, native `fallback`, …
    const parent = corePath.slice(0, -1);
    const known = keyNames ? keyNames(parent, finding.known) : finding.known;
    const written = known.map((k) => String(links.toDoc([...parent, k]).at(-1)));
    return doc.diagnostic(docPath, unknownKeyMessage(String(docPath.at(-1)), [...new Set(written)]), finding.code, finding.severity);
  }
  const message = rewrite ? rewrite(finding.message, docPath) : finding.message;
  return doc.diagnostic(docPath, message, finding.code, finding.severity);
}
