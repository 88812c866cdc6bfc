import { parseScopeKey, ROOT_SCOPE_KEY } from '../scope/scope-key';
import type { EvaluationContext } from '../types/context';
import type { EvaluationDetails, EvaluationMetadata } from '../types/evaluation';
import type { FlagDefinition, MaintainedValues } from '../types/flag';
import { valueMatchesType } from '../schema/definition-schema';
import { result, withMetadata } from './results';

/** Precedence of scope dimensions when a flag declares no `scopes` validation. */
export const DEFAULT_SCOPE_ORDER: readonly string[] = ['user', 'tenant'];

export type ScopedLookup = (context: EvaluationContext) => EvaluationDetails | undefined;

/**
 * Compiles maintained values into a lookup. Scoped values are tried from the most specific
 * combination of scope dimensions to the broadest, then the root value:
 *
 * - dimensions are ordered by the flag's `scopes` validation if it has one, else by `scopeOrder`
 *   (default `user`, `tenant`), then any others alphabetically;
 * - combinations with more dimensions come first; among combinations of one size, the one using
 *   earlier dimensions wins (`{user, tenant}` → `{user}` → `{tenant}` → root);
 * - a dimension's value is the context attribute of the same name (numbers are used as strings).
 *
 * Values whose type does not match the flag are ignored (a stale value from an older definition).
 */
export function compileScoped(
  definition: FlagDefinition,
  values: MaintainedValues | undefined,
  metadata: EvaluationMetadata,
  scopeOrder: readonly string[] = DEFAULT_SCOPE_ORDER,
): ScopedLookup | undefined {
  if (!values) return undefined;
  const key = definition.key;
  const root =
    values.rootValue !== undefined && valueMatchesType(definition.type, values.rootValue)
      ? result(key, values.rootValue, 'STATIC', withMetadata(metadata, { scope: ROOT_SCOPE_KEY }))
      : undefined;
  const byKey = new Map<string, EvaluationDetails>();
  const signatures = new Set<string>();
  const dims = new Set<string>();
  for (const [scopeKey, value] of Object.entries(values.scopedValues ?? {})) {
    const map = parseScopeKey(scopeKey);
    if (!map || scopeKey === ROOT_SCOPE_KEY || !valueMatchesType(definition.type, value)) continue;
    const names = Object.keys(map).sort();
    names.forEach((n) => dims.add(n));
    signatures.add(names.join('\n'));
    byKey.set(scopeKey, result(key, value, 'SCOPED', withMetadata(metadata, { scope: scopeKey })));
  }
  if (byKey.size === 0) return root ? () => root : undefined;

  const declared = definition.validations?.find((v): v is { scopes: string[] } => 'scopes' in v)?.scopes;
  const rank = new Map(orderDimensions([...dims], declared ?? scopeOrder).map((d, i) => [d, i]));
  // Only combinations some stored value uses are worth a lookup; each keeps its dimensions sorted
  // by name, the order of the canonical scope key.
  const combos = [...signatures]
    .map((s) => s.split('\n'))
    .sort((a, b) => comparePrecedence(a, b, rank));
  return (context) => {
    for (let c = 0; c < combos.length; c++) {
      const dimsOf = combos[c]!;
      let scopeKey = '';
      let complete = true;
      for (let i = 0; i < dimsOf.length; i++) {
        const raw = context[dimsOf[i]!];
        const v = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : undefined;
        if (v === undefined || v === '') {
          complete = false;
          break;
        }
        scopeKey += (i ? '##' : '') + dimsOf[i] + '::' + v;
      }
      if (!complete) continue;
      const hit = byKey.get(scopeKey);
      if (hit) return hit;
    }
    return root;
  };
}

function orderDimensions(dims: string[], preferred: readonly string[]): string[] {
  const first = preferred.filter((d) => dims.includes(d));
  const rest = dims.filter((d) => !preferred.includes(d)).sort();
  return [...first, ...rest];
}

/** Larger combinations first; among equal sizes, the one whose best-ranked dimensions come earlier. */
function comparePrecedence(a: string[], b: string[], rank: ReadonlyMap<string, number>): number {
  if (a.length !== b.length) return b.length - a.length;
  const ra = a.map((d) => rank.get(d)!).sort((x, y) => x - y);
  const rb = b.map((d) => rank.get(d)!).sort((x, y) => x - y);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return 0;
}
