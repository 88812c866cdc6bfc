import type { FlagDefinition } from '../types/flag';

/** A prerequisite cycle as a path of keys that starts and ends with the same key, or `undefined`. */
export function findPrerequisiteCycle(definitions: readonly FlagDefinition[]): string[] | undefined {
  // Only flags with prerequisites can be on a cycle: the others are left out of the walk.
  const edges = new Map<string, string[]>();
  for (const d of definitions) if (d.prerequisites?.length) edges.set(d.key, d.prerequisites.map((p) => p.flag));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (key: string): string[] | undefined => {
    const s = state.get(key);
    if (s === 2) return undefined;
    if (s === 1) return [...stack.slice(stack.indexOf(key)), key];
    state.set(key, 1);
    stack.push(key);
    for (const next of edges.get(key) ?? []) {
      if (!edges.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(key, 2);
    return undefined;
  };
  for (const key of edges.keys()) {
    const cycle = visit(key);
    if (cycle) return cycle;
  }
  return undefined;
}
