import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { compilePattern, definitionIssues, formatPath } from '@switchyard/core';
import type { FlagDefinition, FlagType } from '@switchyard/core';
import { didYouMean } from './did-you-mean';
import { FeatureTogglesConfigError } from './errors';

/** Where a toggle's configuration came from, as the state endpoint shows it (`config.SOURCE`). */
export type ToggleSource = 'RUNTIME' | 'FILE' | 'AUTO';

/** Toggles matching this pattern are CAP feature toggles (Feature Vector Provider). */
export const FTS_KEY = /^\/fts\/([^\s/]+)$/;

const validationSchema = z.union([
  z.strictObject({ scopes: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ regex: z.string().min(1) }),
  z.strictObject({ module: z.string().min(1), call: z.string().min(1).optional() }),
  z.strictObject({ validator: z.string().min(1) }),
]);

/** One toggle as cds-feature-toggles configures it. */
const toggleSchema = z.strictObject({
  type: z.enum(['boolean', 'number', 'string']).optional(),
  fallbackValue: z.union([z.boolean(), z.number(), z.string()]),
  active: z.boolean().optional(),
  appUrl: z.string().min(1).optional(),
  validations: z.array(validationSchema).optional(),
});
const TOGGLE_FIELDS = ['type', 'fallbackValue', 'active', 'appUrl', 'validations'];
const VALIDATION_FIELDS = ['scopes', 'regex', 'module', 'call', 'validator'];

/** A configured toggle: its definition, where it came from and, when inactive, why. */
export interface ConfiguredToggle {
  definition: FlagDefinition;
  source: ToggleSource;
  /** The configuration as the state endpoint shows it (`config`). */
  config: Record<string, unknown>;
  /** Set when the toggle is inactive (`active: false`, or an `appUrl` that matches none of the app's URLs): the message writes are refused with. */
  inactive?: string;
}

export interface ReadToggleConfigOptions {
  /** The project root: relative paths (`configFile`, the `fts` folder) resolve against it. */
  root: string;
  /** `cds.featureToggles.configFile`. */
  configFile?: string;
  /** `cds.featureToggles.config` (inline). */
  config?: Record<string, unknown>;
  /** URLs of this app (Cloud Foundry `application_uris`), for `appUrl`. */
  appUris?: readonly string[];
}

/**
 * Reads the toggle configuration: inline `config` (SOURCE RUNTIME), the `configFile` (SOURCE
 * FILE; YAML or JSON; without either, `.features.yaml` in the root when present), and one boolean
 * toggle `/fts/<name>` with fallback `false` for every folder of `<root>/fts` (SOURCE AUTO) that is
 * not configured already. A toggle configured twice, an unknown field, a wrong type or a fallback
 * that does not match the type is a `FeatureTogglesConfigError` naming the toggle.
 */
export async function readToggleConfig(options: ReadToggleConfigOptions): Promise<ConfiguredToggle[]> {
  const problems: string[] = [];
  const toggles = new Map<string, ConfiguredToggle>();
  const add = (entries: Record<string, unknown>, source: ToggleSource, where: string, file?: string) => {
    for (const [key, raw] of Object.entries(entries)) {
      const existing = toggles.get(key);
      if (existing) {
        problems.push(`${where}: toggle "${key}" is configured twice (also in ${existing.source === 'FILE' ? existing.definition.source?.file : 'cds.featureToggles.config'})`);
        continue;
      }
      const toggle = readToggle(key, raw, source, where, file, options.appUris, problems);
      if (toggle) toggles.set(key, toggle);
    }
  };
  if (options.config) add(options.config, 'RUNTIME', 'cds.featureToggles.config');
  const file = options.configFile ? path.resolve(options.root, options.configFile) : await existing(path.join(options.root, '.features.yaml'));
  if (file) {
    const entries = await readConfigFile(file, problems);
    if (entries) add(entries, 'FILE', file, file);
  }
  for (const name of await ftsFolders(options.root)) {
    const key = `/fts/${name}`;
    if (toggles.has(key)) continue;
    toggles.set(key, {
      definition: { key, type: 'boolean', fallbackValue: false, source: { kind: 'auto', file: path.join(options.root, 'fts', name) } },
      source: 'AUTO',
      config: { SOURCE: 'AUTO', TYPE: 'boolean' },
    });
  }
  if (problems.length) throw new FeatureTogglesConfigError(problems);
  return [...toggles.values()];
}

function readToggle(
  key: string,
  raw: unknown,
  source: ToggleSource,
  where: string,
  file: string | undefined,
  appUris: readonly string[] | undefined,
  problems: string[],
): ConfiguredToggle | undefined {
  const parsed = toggleSchema.safeParse(raw);
  if (!parsed.success) {
    const missingFallback = typeof raw === 'object' && raw !== null && !Object.prototype.hasOwnProperty.call(raw, 'fallbackValue');
    for (const issue of parsed.error.issues) {
      const at = issue.path.map(pathPart);
      const message = missingFallback && at.length === 1 && at[0] === 'fallbackValue' ? 'fallbackValue is required (a boolean, number or string)' : describe(issue);
      problems.push(`${where}: toggle "${key}"${at.length ? `.${formatPath(at)}` : ''}: ${message}`);
    }
    return undefined;
  }
  const { type, fallbackValue, active, appUrl, validations } = parsed.data;
  const flagType: FlagType = type ?? (typeof fallbackValue as FlagType);
  const definition: FlagDefinition = {
    key,
    type: flagType,
    fallbackValue,
    ...(validations?.length ? { validations } : {}),
    source: file ? { kind: 'manifest', file } : { kind: 'code' },
  };
  const config: Record<string, unknown> = { SOURCE: source, TYPE: flagType };
  let inactive: string | undefined;
  if (active === false) {
    config.ACTIVE = false;
    inactive = 'feature key is not active';
  }
  if (appUrl !== undefined) {
    config.APP_URL = appUrl;
    // Configured patterns run on the linear-time engine like every other user pattern.
    const compiled = compilePattern(appUrl);
    if (!compiled.ok) problems.push(`${where}: toggle "${key}".appUrl: "${appUrl}" is not a usable regular expression: ${compiled.reason}`);
    else if (appUris?.length && appUris.every((uri) => !compiled.regex.test(uri))) {
      config.APP_URL_ACTIVE = false;
      inactive ??= `feature key is not active because app url does not match regular expression ${appUrl}`;
    }
  }
  if (validations?.length) config.VALIDATIONS = validations;
  if (inactive) definition.enabled = false;
  for (const issue of definitionIssues(definition)) problems.push(`${where}: toggle "${key}"${issue.path.length ? `.${formatPath(issue.path)}` : ''}: ${issue.message}`);
  return { definition, source, config, ...(inactive ? { inactive } : {}) };
}

async function readConfigFile(file: string, problems: string[]): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    problems.push(`cannot read the toggle config file ${file}: ${(err as Error).message}`);
    return undefined;
  }
  let data: unknown;
  try {
    if (/\.ya?ml$/i.test(file)) data = parseYaml(text);
    else if (/\.json$/i.test(file)) data = JSON.parse(text);
    else {
      problems.push(`the toggle config file ${file} must end in .yaml, .yml or .json`);
      return undefined;
    }
  } catch (err) {
    problems.push(`the toggle config file ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push(`the toggle config file ${file} must map toggle keys to their configuration`);
    return undefined;
  }
  return data as Record<string, unknown>;
}

async function ftsFolders(root: string): Promise<string[]> {
  try {
    const entries = await readdir(path.join(root, 'fts'), { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && FTS_KEY.test(`/fts/${e.name}`)).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

async function existing(file: string): Promise<string | undefined> {
  try {
    await readFile(file);
    return file;
  } catch {
    return undefined;
  }
}

function pathPart(p: PropertyKey): string | number {
  return typeof p === 'number' ? p : String(p);
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const fields = issue.path.length ? VALIDATION_FIELDS : TOGGLE_FIELDS;
    return issue.keys.map((k) => `unknown field "${k}"${didYouMean(k, fields)}`).join('; ');
  }
  return issue.message;
}
