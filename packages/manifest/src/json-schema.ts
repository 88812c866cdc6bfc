import { z } from 'zod';
import { conditionSchema, flagValueSchema, jsonValueSchema, ruleSchema } from '@switchyard/core';
import { manifestSchemaRegistry, nativeManifestSchema } from './native-schema';

/** Where the schema file is published inside the package. */
export const MANIFEST_SCHEMA_FILE = 'schema/switchyard-manifest.schema.json';

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (draft 7) of the native manifest format, generated from the same zod schemas
 * that validate definitions, for editor completion and validation (`yaml-language-server`).
 */
export function manifestJsonSchema(): JsonSchema {
  for (const [schema, id] of [
    [ruleSchema, 'Rule'],
    [conditionSchema, 'Condition'],
    [jsonValueSchema, 'JsonValue'],
    [flagValueSchema, 'FlagValue'],
  ] as const) {
    if (!manifestSchemaRegistry.has(schema)) manifestSchemaRegistry.add(schema, { id });
  }
  const { $schema, ...schema } = z.toJSONSchema(nativeManifestSchema, { target: 'draft-7', unrepresentable: 'any', metadata: manifestSchemaRegistry }) as JsonSchema;
  const definitions = schema.definitions as Record<string, JsonSchema> | undefined;
  const rule = definitions?.Rule;
  if (!definitions || !rule) throw new Error('the generated schema has no Rule definition');
  // Wherever a rule is expected, a plain value stands for {type: static, value}.
  definitions.Rule = {
    description: 'A rule, or a plain value meaning {type: static, value}.',
    anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array' }, rule],
  };
  return { $schema, title: 'Switchyard flag manifest', ...schema };
}

/** The schema file's exact text (two-space JSON with a final newline), as shipped in the package. */
export function renderManifestJsonSchema(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}
