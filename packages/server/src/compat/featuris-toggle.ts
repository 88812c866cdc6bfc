import type { EvaluationDetails, FlagDefinition, FlagValue, Rule } from '@switchyard/core';

/** One environment of one feature as Featuris serves it. */
export interface FeaturisToggleStatus {
  value: FlagValue | null;
  error: boolean;
  message: string;
  toggle: unknown;
}

/** A rule written back in Featuris' manifest notation (native-only rules are shown as they are). */
export function featurisToggle(rule: Rule | undefined, fallback: FlagValue): unknown {
  if (!rule) return fallback;
  switch (rule.type) {
    case 'static':
      return rule.value;
    case 'variant':
      return { type: 'variant', values: rule.variants.map((v) => ({ value: v.value, percentage: v.weight })) };
    case 'schedule':
      return { type: 'schedule', values: rule.windows.map((w) => ({ ...(w.from ? { from: w.from } : {}), ...(w.to ? { to: w.to } : {}) })) };
    case 'acceptance':
      return { type: 'acceptance', source: rule.source, state: rule.state, values: rule.items };
    default:
      return rule;
  }
}

/** `{value, error, message, toggle}` for one evaluation, as Featuris reports it. */
export function featurisStatus(definition: FlagDefinition, result: EvaluationDetails<FlagValue | undefined>, environment: string | undefined): FeaturisToggleStatus {
  const rule = (environment !== undefined ? definition.environments?.[environment] : undefined) ?? definition.defaultRule;
  const toggle = featurisToggle(rule, definition.fallbackValue);
  if (result.errorCode) return { value: null, error: true, message: result.errorMessage ?? result.errorCode, toggle };
  return { value: result.value ?? null, error: false, message: 'OK', toggle };
}
