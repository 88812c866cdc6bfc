import { z } from 'zod';
import { jsonValueSchema, operatorNames } from '@switchyard/core';
import type { AttributeCondition, Condition, FlagDefinition, JsonValue, Rule } from '@switchyard/core';

/** A Workertown runtime condition: `{field, operator, value}`, all of a flag's conditions must hold. */
export const workertownConditionSchema = z.object({
  field: z.string().min(1),
  operator: z.string().refine((op) => operatorNames.has(op), { message: `unknown operator; expected one of: ${[...operatorNames].join(', ')}` }),
  value: jsonValueSchema.optional(),
});

/** Body of `PUT /v1/flags/:name`. */
export const workertownFlagInputSchema = z.object({
  description: z.string().optional(),
  enabled: z.boolean().optional(),
  conditions: z.array(workertownConditionSchema).optional(),
});

export type WorkertownFlagInput = z.infer<typeof workertownFlagInputSchema>;
export type WorkertownCondition = z.infer<typeof workertownConditionSchema>;

/** A flag as Workertown renders it. */
export interface WorkertownFlag {
  name: string;
  description?: string;
  enabled: boolean;
  conditions?: WorkertownCondition[];
  createdAt: string;
  updatedAt: string;
}

export const workertownFlagSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  enabled: z.boolean(),
  conditions: z.array(workertownConditionSchema).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const SERVE_TRUE: Rule = { type: 'static', value: true };

/**
 * A Workertown flag as a core boolean definition: fallback `false`; no conditions serve `true`;
 * conditions become one targeting clause whose `all` holds them, serving `true`.
 */
export function workertownToDefinition(name: string, input: WorkertownFlagInput): FlagDefinition {
  const conditions = input.conditions ?? [];
  const defaultRule: Rule = conditions.length
    ? { type: 'targeting', rules: [{ when: { all: conditions.map(toCoreCondition) }, serve: SERVE_TRUE }] }
    : SERVE_TRUE;
  return {
    key: name,
    type: 'boolean',
    ...(input.description !== undefined ? { description: input.description } : {}),
    enabled: input.enabled ?? true,
    fallbackValue: false,
    defaultRule,
  };
}

function toCoreCondition(c: WorkertownCondition): AttributeCondition {
  return c.value === undefined ? { attribute: c.field, operator: c.operator } : { attribute: c.field, operator: c.operator, value: c.value };
}

/**
 * The Workertown view of a definition, or `undefined` when the definition cannot be expressed as
 * Workertown's enabled switch plus ANDed conditions (other types, environments, splits…).
 */
export function definitionToWorkertown(definition: FlagDefinition, createdAt: string, updatedAt: string): WorkertownFlag | undefined {
  if (definition.type !== 'boolean' || definition.fallbackValue !== false) return undefined;
  if (definition.environments && Object.keys(definition.environments).length) return undefined;
  if (definition.prerequisites?.length) return undefined;
  const conditions = conditionsOf(definition.defaultRule);
  if (!conditions) return undefined;
  return {
    name: definition.key,
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    enabled: definition.enabled !== false,
    ...(conditions.length ? { conditions } : {}),
    createdAt,
    updatedAt,
  };
}

function conditionsOf(rule: Rule | undefined): WorkertownCondition[] | undefined {
  if (!rule) return undefined;
  if (rule.type === 'static') return rule.value === true ? [] : undefined;
  if (rule.type !== 'targeting' || rule.rules.length !== 1 || rule.otherwise) return undefined;
  const clause = rule.rules[0]!;
  if (clause.serve.type !== 'static' || clause.serve.value !== true) return undefined;
  const list: Condition[] = 'all' in clause.when ? clause.when.all : [clause.when];
  const out: WorkertownCondition[] = [];
  for (const c of list) {
    if (!('attribute' in c) || c.negate || c.caseInsensitive) return undefined;
    out.push(c.value === undefined ? { field: c.attribute, operator: c.operator } : { field: c.attribute, operator: c.operator, value: c.value as JsonValue });
  }
  return out;
}
