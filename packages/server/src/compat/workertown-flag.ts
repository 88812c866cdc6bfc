import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { definitionIssues, jsonValueSchema, operatorNames, strictObject } from '@switchyard/core';
import type { AttributeCondition, Condition, DefinitionSource, FlagDefinition, MaintainedValues, Rule, ValidationIssue } from '@switchyard/core';

/** A Workertown runtime condition: `{field, operator, value}`, all of a flag's conditions must hold. */
export const workertownConditionSchema = strictObject({
  field: z.string().min(1),
  operator: z.string().refine((op) => operatorNames.has(op), { message: `unknown operator; expected one of: ${[...operatorNames].join(', ')}` }),
  value: jsonValueSchema.optional(),
});

/** Body of `PUT /v1/flags/:name`. */
export const workertownFlagInputSchema = strictObject({
  description: z.string().optional(),
  enabled: z.boolean().optional(),
  conditions: z.array(workertownConditionSchema).optional(),
});

export type WorkertownFlagInput = z.infer<typeof workertownFlagInputSchema>;
export type WorkertownCondition = z.infer<typeof workertownConditionSchema>;

/**
 * A flag as Workertown renders it. Switchyard adds fields a Workertown client may ignore but never
 * has to guess at: `readOnly` and `source` for flags defined by a manifest, and `expressible: false`
 * with the `reason` and the `native` endpoint for flags /v1 cannot show in full (no `conditions` are
 * given for those: the flag decides by more than conditions).
 */
export interface WorkertownFlag {
  name: string;
  description?: string;
  enabled: boolean;
  conditions?: WorkertownCondition[];
  createdAt: string;
  updatedAt: string;
  readOnly?: true;
  source?: DefinitionSource;
  expressible?: false;
  reason?: string;
  native?: string;
}

export const workertownFlagSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  enabled: z.boolean(),
  conditions: z.array(workertownConditionSchema).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  readOnly: z.literal(true).optional().describe('The flag is defined by a manifest file (see `source`); /v1 cannot change or delete it.'),
  source: z.object({ kind: z.string(), file: z.string().optional(), line: z.number().optional(), column: z.number().optional() }).optional(),
  expressible: z.literal(false).optional().describe('The flag decides by more than an on/off switch with conditions; see `reason`, and `native` for its full definition.'),
  reason: z.string().optional(),
  native: z.string().optional().describe('The native endpoint holding the full definition, e.g. /api/v1/flags/name.'),
});

const SERVE_TRUE: Rule = { type: 'static', value: true };

/** The native endpoint of a flag, where everything /v1 cannot express is read and written. */
export function nativeHref(name: string): string {
  return `/api/v1/flags/${encodeURIComponent(name).replace(/%2F/g, '/').replace(/%3A/g, ':')}`;
}

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
 * Problems of a definition built from a /v1 body, with /v1 paths (`conditions[1].value`): a
 * condition that can never match is refused like any definition.
 */
export function workertownIssues(definition: FlagDefinition): ValidationIssue[] {
  const conditionsAt = ['defaultRule', 'rules', 0, 'when', 'all'];
  return definitionIssues(definition).map((issue) => {
    const p = issue.path;
    if (!conditionsAt.every((segment, i) => p[i] === segment) || typeof p[5] !== 'number') return issue;
    const [field, ...rest] = p.slice(6);
    return { path: ['conditions', p[5], ...(field === undefined ? [] : [field === 'attribute' ? 'field' : field]), ...rest], message: issue.message };
  });
}

/** Why /v1 cannot show a definition (with its maintained values) in full; `undefined` when it can. */
export function inexpressibleReason(definition: FlagDefinition, values: MaintainedValues | undefined): string | undefined {
  const reasons: string[] = [];
  if (definition.type !== 'boolean') reasons.push(`it is a ${definition.type} flag`);
  else if (definition.fallbackValue !== false) reasons.push('its fallback is true');
  if (definition.environments && Object.keys(definition.environments).length) reasons.push(`it has per-environment rules (${Object.keys(definition.environments).join(', ')})`);
  if (definition.prerequisites?.length) reasons.push('it has prerequisites');
  if (definition.validations?.length) reasons.push('it has validations');
  if (definition.tags?.length) reasons.push('it has tags');
  if (definition.metadata && Object.keys(definition.metadata).length) reasons.push('it has metadata');
  if (definition.flagSet !== undefined) reasons.push(`it belongs to the flag set "${definition.flagSet}"`);
  if (values && (values.rootValue !== undefined || (values.scopedValues && Object.keys(values.scopedValues).length))) reasons.push('it has maintained (root or scoped) values');
  if (conditionsOf(definition.defaultRule) === undefined) {
    reasons.push(definition.defaultRule ? `its rule is a ${describeRule(definition.defaultRule)}` : 'it has no rule (it always serves its fallback)');
  }
  if (reasons.length) return reasons.join('; ');
  // The rule is captured by its conditions; everything else must survive a /v1 round trip unchanged.
  const { source: _source, defaultRule: _rule, ...rest } = definition;
  const { defaultRule: _viewRule, ...view } = workertownToDefinition(definition.key, { ...(definition.description !== undefined ? { description: definition.description } : {}), enabled: definition.enabled !== false });
  return isDeepStrictEqual({ ...rest, enabled: rest.enabled !== false }, view) ? undefined : 'it has settings /v1 cannot show';
}

function describeRule(rule: Rule): string {
  if (rule.type === 'static') return rule.value === true ? 'static rule with a variant name' : `static rule serving ${JSON.stringify(rule.value)}`;
  if (rule.type === 'targeting') return 'targeting rule /v1 cannot show (several clauses, a clause name, a nested rule, an otherwise, or conditions with any/not/negate/caseInsensitive)';
  return `${rule.type} rule`;
}

/**
 * The Workertown view of a definition: the flag with its conditions when /v1 can express it, else
 * the flag without conditions, marked `expressible: false` with the reason and the native endpoint.
 * Flags defined by manifests (or code), which no API may change, are marked `readOnly` with their `source`.
 */
export function definitionToWorkertown(definition: FlagDefinition, values: MaintainedValues | undefined, createdAt: string, updatedAt: string, readOnly = false): WorkertownFlag {
  const flag: WorkertownFlag = {
    name: definition.key,
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    enabled: definition.enabled !== false,
    createdAt,
    updatedAt,
  };
  if (readOnly) {
    flag.readOnly = true;
    if (definition.source) flag.source = definition.source;
  }
  const reason = inexpressibleReason(definition, values);
  if (reason !== undefined) {
    flag.expressible = false;
    flag.reason = reason;
    flag.native = nativeHref(definition.key);
    return flag;
  }
  const conditions = conditionsOf(definition.defaultRule)!;
  if (conditions.length) flag.conditions = conditions;
  return flag;
}

/** A rule as Workertown conditions; `undefined` when it is not "serve true when all of them hold". */
function conditionsOf(rule: Rule | undefined): WorkertownCondition[] | undefined {
  if (!rule) return undefined;
  if (rule.type === 'static') return rule.value === true && rule.variant === undefined ? [] : undefined;
  if (rule.type !== 'targeting' || rule.rules.length !== 1 || rule.otherwise) return undefined;
  const clause = rule.rules[0]!;
  if (clause.name !== undefined || clause.serve.type !== 'static' || clause.serve.value !== true || clause.serve.variant !== undefined) return undefined;
  const list: Condition[] = 'all' in clause.when ? clause.when.all : [clause.when];
  const out: WorkertownCondition[] = [];
  for (const c of list) {
    if (!('attribute' in c) || c.negate !== undefined || c.caseInsensitive !== undefined) return undefined;
    out.push(c.value === undefined ? { field: c.attribute, operator: c.operator } : { field: c.attribute, operator: c.operator, value: c.value });
  }
  return out;
}
