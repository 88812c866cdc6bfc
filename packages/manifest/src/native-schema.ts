import { z } from 'zod';
import { flagDefinitionSchema, flagKeySchema, flagTypeSchema, flagValueSchema, ruleSchema, strictObject } from '@switchyard/core';

/**
 * Names and descriptions for the generated JSON Schema. A registry of its own, so that core's
 * shared schemas are annotated here without being changed.
 */
export const manifestSchemaRegistry = z.registry<{ id?: string; description?: string }>();

/** Attaches an editor-facing description to a schema. */
function doc<T extends z.ZodType>(schema: T, description: string): T {
  manifestSchemaRegistry.add(schema, { description });
  return schema;
}

/** Seeded maintained values of one flag: a root value and values for scopes (`{tenant: people}`). */
export const seededValuesSchema = doc(
  strictObject({
    root: doc(flagValueSchema.optional(), 'Maintained root value, served to every scope without a value of its own.'),
    scoped: doc(
      z
        .array(
          strictObject({
            scope: doc(z.record(z.string(), z.string()), 'Scope map, e.g. {tenant: people} or {tenant: people, user: alice}.'),
            value: flagValueSchema,
          }),
        )
        .optional(),
      'Values for particular scopes; the most specific matching scope wins.',
    ),
  }),
  'Maintained values to seed the store with (cds rootValue / scopedValues).',
);

/**
 * A rule, or a plain value standing for `{type: static, value}`. The generated JSON Schema widens
 * `Rule` itself to accept a plain value wherever a rule is expected (see json-schema.ts).
 */
const ruleOrValue = ruleSchema;

const CORE_FIELD_DOCS: Record<string, string> = {
  description: 'What the flag is for.',
  enabled: 'Kill switch: a disabled flag serves its fallback. Default true.',
  prerequisites: 'Flags that must evaluate to a value (default true) for this flag to apply.',
  validations: 'Checks for maintained values: regex, allowed scopes, named validators, validator modules ({ module, call }; $CONFIG_DIR is the folder of this file).',
  tags: 'Free-form labels.',
  metadata: 'Free-form JSON data reported with the flag.',
};

/** Core's definition fields, reused so the native format follows the model. */
function coreFields(): Record<string, z.ZodType> {
  const shape = (flagDefinitionSchema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) throw new Error('@switchyard/core flagDefinitionSchema is expected to be an object schema');
  const { key: _key, flagSet: _flagSet, source: _source, type: _type, fallbackValue: _fallback, environments: _env, defaultRule: _default, ...rest } = shape;
  for (const [name, schema] of Object.entries(rest)) {
    const description = CORE_FIELD_DOCS[name];
    if (description && !manifestSchemaRegistry.has(schema)) manifestSchemaRegistry.add(schema, { description });
  }
  return rest;
}

/** One flag of a native manifest; the map key is the flag key. */
export const nativeFlagSchema = doc(
  strictObject({
    type: doc(flagTypeSchema.optional(), 'boolean, string, number or object; inferred from the fallback when left out.'),
    fallback: doc(flagValueSchema.optional(), 'Served when nothing else decides and when the flag is disabled (alias of fallbackValue).'),
    fallbackValue: doc(flagValueSchema.optional(), 'Served when nothing else decides and when the flag is disabled.'),
    environments: doc(z.record(z.string().min(1), ruleOrValue).optional(), 'One rule per environment; a plain value means {type: static, value}.'),
    defaultRule: doc(ruleOrValue.optional(), 'Rule for environments not listed in environments.'),
    ...coreFields(),
    values: seededValuesSchema.optional(),
  }),
  'A flag definition; the map key is the flag key.',
);

/** The root of a native manifest file. */
export const nativeManifestSchema = doc(
  strictObject({
    $schema: doc(z.string().optional(), 'Location of this JSON Schema, for editors.'),
    switchyard: doc(z.literal(1), 'Manifest format version.'),
    flags: doc(z.record(flagKeySchema, nativeFlagSchema).optional(), 'Flag definitions by flag key.'),
  }),
  'A Switchyard flag manifest.',
);
