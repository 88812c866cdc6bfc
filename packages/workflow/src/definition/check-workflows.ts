import type { Diagnostic } from '@switchyard/core';
import { workflowKey, type CompiledWorkflow } from './compiled';
import { compileWorkflow, type CompileContext } from './compile-workflow';
import { workflowSchema, type WorkflowDefinition } from './schema';
import type { DefinitionLocator } from './source-document';

export { canonicalJson } from './compile-workflow';

/** One definition waiting to be checked, with where it came from. */
export interface PendingDefinition {
  value: unknown;
  locator: DefinitionLocator;
  /** Path of the definition inside its document (a file may hold a list). */
  basePath: (string | number)[];
}

/** What definitions are checked against: registered workflows, sessions, environments, the flag engine. */
export type CheckContext = CompileContext;

/**
 * Validates definitions (schema, references, dependencies, feature cycles) and compiles them.
 * Returns every problem found; callers register nothing when there is any.
 */
export function checkWorkflows(pending: readonly PendingDefinition[], ctx: CheckContext): { compiled: CompiledWorkflow[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parsed: { def: WorkflowDefinition; locator: DefinitionLocator; basePath: (string | number)[] }[] = [];
  for (const p of pending) {
    const result = workflowSchema.safeParse(p.value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) diagnostics.push(p.locator.diagnostic([...p.basePath, ...path, key], `unknown key "${key}"`, 'unknown-key'));
        } else {
          diagnostics.push(p.locator.diagnostic([...p.basePath, ...path], issue.message));
        }
      }
      continue;
    }
    parsed.push({ def: result.data, locator: p.locator, basePath: p.basePath });
  }

  // Duplicates, within the batch and against what is registered.
  const byKey = new Map<string, (typeof parsed)[number]>();
  for (const entry of parsed) {
    const key = workflowKey(entry.def.product, entry.def.tag);
    const first = byKey.get(key);
    if (first) diagnostics.push(entry.locator.diagnostic([...entry.basePath, 'tag'], `workflow "${key}" is also defined in ${first.locator.file}`, 'duplicate-workflow'));
    else if (ctx.existing.has(key)) diagnostics.push(entry.locator.diagnostic([...entry.basePath, 'tag'], `workflow "${key}" is already registered (from ${ctx.existing.get(key)!.file})`, 'duplicate-workflow'));
    else byKey.set(key, entry);
  }

  const compiled: CompiledWorkflow[] = [];
  for (const [key, entry] of byKey) {
    const wf = compileWorkflow(key, { def: entry.def, locator: entry.locator, base: entry.basePath, ctx, batch: byKey, diagnostics });
    if (wf) compiled.push(wf);
  }

  // Feature cycles across everything that would be registered.
  const graph = new Map<string, { targets: { key: string; step: number }[]; entry?: (typeof parsed)[number] }>();
  for (const [key, wf] of ctx.existing) graph.set(key, { targets: featureTargets(wf.definition) });
  for (const [key, entry] of byKey) graph.set(key, { targets: featureTargets(entry.def), entry });
  const reported = new Set<string>();
  for (const [key, node] of graph) {
    if (!node.entry) continue;
    const cycle = findCycle(key, graph);
    if (cycle && !reported.has(cycle.slice().sort().join(','))) {
      reported.add(cycle.slice().sort().join(','));
      const step = node.targets.find((t) => t.key === cycle[1])!.step;
      diagnostics.push(node.entry.locator.diagnostic([...node.entry.basePath, 'steps', step, 'feature'], `feature cycle: ${[...cycle, cycle[0]].join(' → ')}`));
    }
  }
  return { compiled: diagnostics.length ? [] : compiled, diagnostics };
}

function featureTargets(def: WorkflowDefinition): { key: string; step: number }[] {
  const out: { key: string; step: number }[] = [];
  def.steps.forEach((s, i) => {
    if (s.type === 'feature') out.push({ key: workflowKey(s.product ?? def.product, s.feature), step: i });
  });
  return out;
}

/** The cycle through `start` (as a list of keys beginning with `start`), if any. */
function findCycle(start: string, graph: Map<string, { targets: { key: string }[] }>): string[] | undefined {
  const stack: string[] = [];
  const visited = new Set<string>();
  const visit = (key: string): string[] | undefined => {
    if (key === start && stack.length > 0) return [...stack];
    if (visited.has(key)) return undefined;
    visited.add(key);
    stack.push(key);
    for (const t of graph.get(key)?.targets ?? []) {
      const found = visit(t.key);
      if (found) return found;
    }
    stack.pop();
    return undefined;
  };
  return visit(start);
}
