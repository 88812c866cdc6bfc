import type { FlagDefinition, FlagStore, FlagValue, ScopeMap } from '@switchyard/core';

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

/**
 * A new client holding the number flag `n` (see {@link numberFlag}) and, written in one batch, these
 * values of it in order: `[value]` for the root, `[value, scope]` for a scope (`null` removes).
 */
export async function clientWithValuesOfN(client: () => Promise<FlagStore>, values: [FlagValue | null, ScopeMap?][]): Promise<FlagStore> {
  const store = await client();
  await store.upsertFlag(numberFlag('n'));
  await store.setValues(values.map(([value, scope]) => ({ key: 'n', value, ...(scope ? { scope } : {}) })));
  return store;
}
