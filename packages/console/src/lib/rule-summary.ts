import type { FlagDefinition, Rule } from '@switchyard/core';
import { formatValue } from './format';

/** Sum of a variant split's weights, rounded like the server's message (`weights sum to 99.5`). */
export function weightSum(weights: readonly number[]): number {
  let sum = 0;
  for (const w of weights) sum += Number.isFinite(w) ? w : 0;
  return Math.round(sum * 1e6) / 1e6;
}

/** A one-line description of what a rule serves, for the list's per-environment cells. */
export function summarizeRule(rule: Rule): string {
  switch (rule.type) {
    case 'static':
      return formatValue(rule.value);
    case 'variant':
      return rule.variants.map((v, i) => `${v.name ?? variantLabel(v.value, i)} ${v.weight}%`).join(' · ');
    case 'rollout':
      return `${rule.percentage}% → ${formatValue(rule.value)}${rule.otherwise ? `, else ${summarizeRule(rule.otherwise)}` : ''}`;
    case 'schedule':
      return `${formatValue(rule.value ?? true)} in ${rule.windows.length} window${rule.windows.length === 1 ? '' : 's'}${rule.otherwise ? `, else ${summarizeRule(rule.otherwise)}` : ''}`;
    case 'targeting':
      return `${rule.rules.length} targeting rule${rule.rules.length === 1 ? '' : 's'}${rule.otherwise ? `, else ${summarizeRule(rule.otherwise)}` : ''}`;
    case 'acceptance':
      return `when ${rule.source} items are ${rule.state}`;
    case 'flagd':
      return `flagd: ${Object.keys(rule.variants).length} variants${rule.targeting !== undefined ? ', targeting' : ''}${rule.defaultVariant !== undefined ? `, default ${rule.defaultVariant}` : ''}`;
    case 'unleash':
      return `unleash: ${rule.strategies.length === 0 ? 'on for everyone' : `${rule.strategies.length} strateg${rule.strategies.length === 1 ? 'y' : 'ies'}`}${rule.variants?.length ? `, ${rule.variants.length} variants` : ''}`;
  }
}

function variantLabel(value: unknown, index: number): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : `variant-${index}`;
}

/** What decides a flag in `environment`: its rule there, else its default rule, else nothing (the fallback). */
export function ruleFor(definition: FlagDefinition, environment: string | undefined): Rule | undefined {
  if (environment !== undefined) {
    const rule = definition.environments?.[environment];
    if (rule) return rule;
  }
  return definition.defaultRule;
}

/** The cell text for one flag in one environment column (`undefined` = the default column). */
export function cellSummary(definition: FlagDefinition, environment: string | undefined): { text: string; kind: 'rule' | 'inherited' | 'fallback' | 'off' } {
  if (definition.enabled === false) return { text: formatValue(definition.fallbackValue), kind: 'off' };
  const own = environment === undefined ? definition.defaultRule : definition.environments?.[environment];
  if (own) return { text: summarizeRule(own), kind: 'rule' };
  const rule = ruleFor(definition, environment);
  if (rule) return { text: summarizeRule(rule), kind: 'inherited' };
  return { text: formatValue(definition.fallbackValue), kind: 'fallback' };
}
