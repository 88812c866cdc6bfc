import type { FlagDefinition, FlagValue, MaintainedValues, Validation } from '@switchyard/core';

/** One toggle as cds-feature-toggles' `/rest/feature/state` and `redisRead` show it. */
export interface CdsToggleState {
  fallbackValue?: FlagValue;
  rootValue?: FlagValue;
  scopedValues?: Record<string, FlagValue>;
  config: { SOURCE: string; TYPE?: string; VALIDATIONS?: Record<string, unknown>[] };
}

const SOURCES: Record<string, string> = { manifest: 'FILE', store: 'RUNTIME', code: 'CODE', auto: 'AUTO' };

/** Renders a definition and its maintained values in cds' shape; a key without definition has `SOURCE: NONE`. */
export function cdsToggleState(definition: FlagDefinition | undefined, values: MaintainedValues | undefined): CdsToggleState {
  const out: CdsToggleState = { config: { SOURCE: 'NONE' } };
  if (definition) out.fallbackValue = definition.fallbackValue;
  if (values?.rootValue !== undefined) out.rootValue = values.rootValue;
  if (values?.scopedValues && Object.keys(values.scopedValues).length) out.scopedValues = values.scopedValues;
  if (definition) {
    out.config = { SOURCE: SOURCES[definition.source?.kind ?? 'store'] ?? 'RUNTIME', TYPE: definition.type };
    if (definition.validations?.length) out.config.VALIDATIONS = definition.validations.map(cdsValidation);
  }
  return out;
}

function cdsValidation(v: Validation): Record<string, unknown> {
  if ('regex' in v) return { regex: v.regex };
  if ('scopes' in v) return { scopes: v.scopes };
  if ('module' in v) return v.call === undefined ? { module: v.module } : { module: v.module, call: v.call };
  return { call: v.validator };
}
