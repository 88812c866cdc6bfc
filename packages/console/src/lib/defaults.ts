import type { Condition, FlagType, FlagValue, Rule } from '@switchyard/core';

export const RULE_TYPES = ['static', 'variant', 'rollout', 'schedule', 'targeting', 'acceptance'] as const;

/** A plain value of `type`, for new rules and inputs. */
export function sampleValue(type: FlagType, which: 0 | 1 = 0): FlagValue {
  switch (type) {
    case 'boolean':
      return which === 0;
    case 'string':
      return which === 0 ? 'on' : 'off';
    case 'number':
      return which;
    case 'object':
      return {};
  }
}

/** A new rule of `kind` whose values already fit the flag's type. */
export function defaultRule(kind: Rule['type'], type: FlagType): Rule {
  switch (kind) {
    case 'static':
      return { type: 'static', value: sampleValue(type) };
    case 'variant':
      return {
        type: 'variant',
        variants:
          type === 'object'
            ? [
                { value: {}, weight: 50, name: 'a' },
                { value: {}, weight: 50, name: 'b' },
              ]
            : [
                { value: sampleValue(type, 0), weight: 50 },
                { value: sampleValue(type, 1), weight: 50 },
              ],
      };
    case 'rollout':
      return { type: 'rollout', percentage: 10, value: sampleValue(type) };
    case 'schedule':
      return type === 'boolean' ? { type: 'schedule', windows: [{ from: today() }], timezone: 'UTC' } : { type: 'schedule', windows: [{ from: today() }], timezone: 'UTC', value: sampleValue(type) };
    case 'targeting':
      return { type: 'targeting', rules: [{ name: 'rule 1', when: defaultCondition(), serve: { type: 'static', value: sampleValue(type) } }] };
    case 'acceptance':
      return type === 'boolean' ? { type: 'acceptance', source: 'pivotal', state: 'delivered', items: [] } : { type: 'acceptance', source: 'pivotal', state: 'delivered', items: [], value: sampleValue(type) };
    case 'flagd':
      return { type: 'flagd', variants: { a: sampleValue(type, 0), b: sampleValue(type, 1) }, defaultVariant: 'a' };
    case 'unleash':
      return { type: 'unleash', feature: 'feature', strategies: [] };
  }
}

export function defaultCondition(): Condition {
  return { attribute: 'country', operator: 'eq', value: 'DE' };
}

function today(): string {
  return `${new Date().toISOString().slice(0, 10)} 00:00:00`;
}
