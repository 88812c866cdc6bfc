import { z } from 'zod';
import { configFileSchema, type SettingDoc } from './config-file';

interface JsonSchemaNode extends Partial<SettingDoc> {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchemaNode;
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: boolean | JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  format?: string;
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  if (type === 'array') return `${node.items ? typeOf(node.items) : 'value'}[]`;
  if (type === 'object' && !node.properties) return 'map';
  if (type === 'string' && node.format === 'uri') return 'URL';
  return type ?? 'value';
}

const cell = (text: string | undefined): string => (text ? text.replace(/\|/g, '\\|') : '');
/** Environment variable names and flags in backticks. */
const NAMES = /\b(?:SWITCHYARD|FLAGS)_[A-Z0-9_<>]+(?:=1)?|\b(?:PORT|HOST|NODE_ENV|DEFAULT_DATA_SOURCE)\b|--[a-z-]+|(?<![\w-])-[a-z]\b/g;
const code = (text: string | undefined): string => (text ? text.replace(NAMES, (name) => `\`${name}\``) : '');

function rows(properties: Record<string, JsonSchemaNode>, prefix: string, out: string[], sections: [string, JsonSchemaNode][]): void {
  for (const [name, node] of Object.entries(properties)) {
    const key = `${prefix}${name}`;
    if (node.properties) {
      sections.push([key, node]);
      continue;
    }
    out.push(`| \`${key}\` | ${cell(typeOf(node))} | ${cell(node.description)} | ${cell(code(node.env))} | ${cell(code(node.flag))} | ${node.default ? `\`${cell(node.default)}\`` : ''} |`);
  }
}

function table(properties: Record<string, JsonSchemaNode>, prefix: string, sections: [string, JsonSchemaNode][]): string[] {
  const out = ['| setting | type | what it does | environment | flag | default |', '|---|---|---|---|---|---|'];
  rows(properties, prefix, out, sections);
  return out;
}

/**
 * The configuration reference (`docs/configuration.md`) as Markdown, generated from the config
 * file's schema and the documentation attached to each setting.
 */
export function renderConfigReference(): string {
  const schema = z.toJSONSchema(configFileSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const lines = [
    '<!-- Generated from the server\'s config schema (packages/server/src/config/config-file.ts) by `pnpm docs:generate`. Do not edit by hand. -->',
    '',
    '# Server configuration reference',
    '',
    'The reference server (`npm start`, `switchyard serve`, `@switchyard/server`) reads its settings from, in',
    'order of precedence: command-line flags, environment variables, a configuration file, and the defaults.',
    'The file is JSON or YAML, named with `--config FILE` or `SWITCHYARD_CONFIG`; every setting in it is optional,',
    'and an unknown or mistyped key is an error naming the file and the key (the server does not start).',
    '',
    '```yaml',
    '# switchyard.yaml',
    'port: 3000',
    'manifests: ./flags',
    'store: postgres://switchyard@db.internal/switchyard',
    'auth:',
    '  apiKeys:',
    '    - { key: "${A_LONG_RANDOM_KEY}", role: admin }',
    '```',
    '',
    '## Settings',
    '',
  ];
  const sections: [string, JsonSchemaNode][] = [];
  lines.push(...table(schema.properties ?? {}, '', sections));
  for (let i = 0; i < sections.length; i++) {
    const [key, node] = sections[i]!;
    lines.push('', `## \`${key}\``, '');
    if (node.description) lines.push(node.description, '');
    lines.push(...table(node.properties ?? {}, `${key}.`, sections));
  }
  const acceptance = schema.properties?.acceptance?.additionalProperties;
  if (acceptance && typeof acceptance === 'object' && acceptance.properties) {
    lines.push('', '## `acceptance.<name>`', '', 'One acceptance source, under the name manifests give in `source`.', '');
    lines.push(...table(acceptance.properties, 'acceptance.<name>.', sections));
  }
  return `${lines.join('\n')}\n`;
}
