import type { FlagDefinition } from '@switchyard/core';

/** A minimal valid boolean definition. */
export function booleanFlag(key: string, overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return { key, type: 'boolean', fallbackValue: false, ...overrides };
}

/** A number definition whose maintained values may be scoped by `tenant` and `user` only. */
export function numberFlag(key: string, overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return { key, type: 'number', fallbackValue: 1, validations: [{ scopes: ['tenant', 'user'] }], ...overrides };
}

/** A string definition with a regular-expression validation, and a rule per environment. */
export function stringFlag(key: string, overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return {
    key,
    type: 'string',
    fallbackValue: 'blue',
    description: 'Button colour',
    validations: [{ regex: '^[a-z]+$', message: 'colours are lower-case words' }],
    environments: {
      production: { type: 'static', value: 'green' },
      staging: { type: 'variant', variants: [{ value: 'red', weight: 50 }, { value: 'blue', weight: 50 }], stickiness: 'userId' },
    },
    tags: ['ui'],
    metadata: { owner: 'web' },
    ...overrides,
  };
}
