import { flagDefinitionSchema } from '@switchyard/core';
import type { FlagDefinition } from '@switchyard/core';
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
 */
export function compileFlag(
  candidate: Record<string, unknown>,
  links: PathLinks,
  doc: SourceDocument,
  diagnostics: Diagnostic[],
  rewrite?: (message: string, docPath: DocPath) => string,
  /** Findings that say nothing new, given how the candidate was built. */
  redundant?: (finding: Finding) => boolean,
): FlagDefinition | undefined {
  const { data, findings, input } = parseWithSchema(flagDefinitionSchema, candidate);
  const all = data ? findings : [...findings, ...crossFieldFindings(findings, input)];
  for (const finding of all) if (!redundant?.(finding)) diagnostics.push(toDiagnostic(finding, candidate, links, doc, rewrite));
  return data;
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
): Diagnostic {
  let corePath = finding.path;
  // A weight sum is wrong as a whole; point at the last weight, where the total is reached.
  if (WEIGHT_SUM.test(finding.message) && corePath[corePath.length - 1] === 'variants') {
    const variants = valueAt(candidate, corePath);
    if (Array.isArray(variants) && variants.length > 0) corePath = [...corePath, variants.length - 1, 'weight'];
  }
  const docPath = links.toDoc(corePath);
  const message = rewrite ? rewrite(finding.message, docPath) : finding.message;
  return doc.diagnostic(docPath, message, finding.code, finding.severity);
}
