import { scopeKey, validateValue } from '@switchyard/core';
import type { FlagDefinition, FlagValue, MaintainedValues, ScopeMap } from '@switchyard/core';
import type { ReadContext } from './document-result';
import { seededValuesSchema } from './native-schema';
import { parseWithSchema } from './schema-issues';
import type { DocPath } from './yaml-document';

/**
 * Reads `values: {root, scoped: [{scope, value}]}` of a valid definition into core's
 * `MaintainedValues`, checking each value as a store would (type, validations, scope keys).
 */
export function readSeededValues(definition: FlagDefinition, raw: unknown, at: DocPath, ctx: ReadContext): void {
  const { doc, out } = ctx;
  const { data, findings } = parseWithSchema(seededValuesSchema, raw);
  for (const f of findings) out.diagnostics.push(doc.diagnostic([...at, ...f.path], f.message, f.code, f.severity));
  if (!data) return;
  // Named validators run only when the caller supplies them; otherwise they are the store's business.
  // Validator modules are loaded later (`resolveValidators`), which checks seeded values with them.
  const checked = { ...definition, validations: definition.validations?.filter((v) => !('module' in v) && (ctx.validators !== undefined || !('validator' in v))) };
  const report = (path: DocPath, scope: ScopeMap | undefined, value: FlagValue) => {
    for (const issue of validateValue(checked, value, scope, { validators: ctx.validators })) {
      const inner = issue.path[0] === 'value' ? path : [...path.slice(0, -1), ...issue.path];
      out.diagnostics.push(doc.diagnostic(inner, issue.message, 'invalid-value'));
    }
  };
  const result: MaintainedValues = {};
  if (data.root !== undefined) {
    report([...at, 'root'], undefined, data.root);
    result.rootValue = data.root;
  }
  if (data.scoped?.length) {
    const scopedValues: Record<string, FlagValue> = {};
    const seen = new Map<string, number>();
    data.scoped.forEach(({ scope, value }, i) => {
      const itemPath = [...at, 'scoped', i];
      const key = scopeKey(scope);
      const first = seen.get(key);
      if (Object.keys(scope).length === 0) out.diagnostics.push(doc.diagnostic([...itemPath, 'scope'], 'an empty scope is the root value, use root', 'invalid-value'));
      else if (first !== undefined) out.diagnostics.push(doc.diagnostic([...itemPath, 'scope'], `scope ${key} is already set by scoped[${first}]`, 'invalid-value'));
      else seen.set(key, i);
      report([...itemPath, 'value'], scope, value);
      Object.defineProperty(scopedValues, key, { value, enumerable: true, writable: true, configurable: true });
    });
    result.scopedValues = scopedValues;
  }
  if (result.rootValue !== undefined || result.scopedValues !== undefined) out.values.set(definition.key, result);
}
