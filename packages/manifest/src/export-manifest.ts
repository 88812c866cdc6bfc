import { parseScopeKey, ValidationError } from '@switchyard/core';
import type { FlagDefinition, MaintainedValues, Rule } from '@switchyard/core';
import { stringify } from 'yaml';
import { NATIVE_FORMAT_VERSION } from './native';

export interface ExportManifestOptions {
  format: 'yaml' | 'json';
  /**
   * Schema location for editors: a `# yaml-language-server: $schema=…` comment in YAML, a `$schema`
   * key in JSON. Left out when not given.
   */
  schema?: string;
}

type Out = Record<string, unknown>;

/** Writes a rule in its shortest native form: plain values for unnamed static rules. */
function exportRule(rule: Rule): unknown {
  if (rule.type === 'static' && rule.variant === undefined && (typeof rule.value !== 'object' || Array.isArray(rule.value))) return rule.value;
  const out: Out = { ...rule };
  if ('otherwise' in rule && rule.otherwise) out.otherwise = exportRule(rule.otherwise);
  if (rule.type === 'targeting') out.rules = rule.rules.map((clause) => ({ ...clause, serve: exportRule(clause.serve) }));
  return out;
}

function setOwn(target: Out, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function exportValues(key: string, values: MaintainedValues): Out | undefined {
  const out: Out = {};
  if (values.rootValue !== undefined) out.root = values.rootValue;
  const scoped = Object.entries(values.scopedValues ?? {}).map(([k, value]) => {
    const scope = parseScopeKey(k);
    if (!scope) throw new ValidationError([{ path: [key, 'scopedValues', k], message: `"${k}" is not a scope key` }]);
    return { scope, value };
  });
  if (scoped.length) out.scoped = scoped;
  return Object.keys(out).length ? out : undefined;
}

function exportFlag(definition: FlagDefinition, values: MaintainedValues | undefined): Out {
  const out: Out = { type: definition.type };
  if (definition.description !== undefined) out.description = definition.description;
  if (definition.enabled !== undefined) out.enabled = definition.enabled;
  out.fallbackValue = definition.fallbackValue;
  if (definition.environments) {
    const environments: Out = {};
    for (const [env, rule] of Object.entries(definition.environments)) setOwn(environments, env, exportRule(rule));
    out.environments = environments;
  }
  if (definition.defaultRule) out.defaultRule = exportRule(definition.defaultRule);
  if (definition.prerequisites) out.prerequisites = definition.prerequisites;
  if (definition.validations) out.validations = definition.validations;
  if (definition.tags) out.tags = definition.tags;
  if (definition.metadata) out.metadata = definition.metadata;
  const seeded = values && exportValues(definition.key, values);
  if (seeded) out.values = seeded;
  return out;
}

/**
 * Serialises definitions (and seeded values) as one native manifest. Parsing the output gives the
 * same definitions and values back; `key` becomes the map key, and `flagSet` and `source` are not
 * written (they come from the file a manifest is read from). Throws `ValidationError` for a key
 * defined twice or a scoped value under a malformed scope key.
 */
export function exportManifest(
  definitions: readonly FlagDefinition[],
  values: Readonly<Record<string, MaintainedValues>> = {},
  options: ExportManifestOptions = { format: 'yaml' },
): string {
  // A Map keeps the given order; an object would put integer-like keys ("0", "12") first.
  const flags = new Map<string, Out>();
  for (const definition of definitions) {
    if (flags.has(definition.key)) throw new ValidationError([{ path: [definition.key], message: `flag "${definition.key}" is defined twice` }]);
    const own = Object.prototype.hasOwnProperty.call(values, definition.key) ? values[definition.key] : undefined;
    flags.set(definition.key, exportFlag(definition, own));
  }
  if (options.format === 'json') {
    const head = options.schema ? `  "$schema": ${JSON.stringify(options.schema)},\n` : '';
    const entries = [...flags].map(([key, flag]) => `    ${JSON.stringify(key)}: ${JSON.stringify(flag, null, 2).replace(/\n/g, '\n    ')}`);
    const body = entries.length ? `{\n${entries.join(',\n')}\n  }` : '{}';
    return `{\n${head}  "switchyard": ${NATIVE_FORMAT_VERSION},\n  "flags": ${body}\n}\n`;
  }
  const body = stringify({ switchyard: NATIVE_FORMAT_VERSION, flags }, { lineWidth: 0, aliasDuplicateObjects: false });
  return options.schema ? `# yaml-language-server: $schema=${options.schema}\n${body}` : body;
}
