import { z } from 'zod';
import { strictObject, type AcceptanceSource } from '@switchyard/core';
import { PIVOTAL_TRACKER_URL, pivotalTrackerSource } from './pivotal-tracker-source';

type Env = Readonly<Record<string, string | undefined>>;

/** One acceptance source in the configuration file, under `acceptance.<name>` (the name manifests use in `source`). */
export const acceptanceSourceFileSchema = strictObject({
  /** The integration; Pivotal Tracker is built in. */
  type: z.literal('pivotal-tracker'),
  /** API token (`X-TrackerToken`); `SWITCHYARD_<NAME>_TOKEN` overrides it. */
  token: z.string().min(1).optional(),
  /** API base URL; default Pivotal Tracker's v5 API. */
  url: z.url().optional(),
  /** Project of items that name none. */
  project: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a project id (digits)')]).optional(),
  /** How long answers are reused, in ms. Default 60000. */
  cacheTtlMs: z.number().int().positive().optional(),
  /** Longest wait for one request, in ms. Default 5000. */
  timeoutMs: z.number().int().positive().optional(),
});

export type AcceptanceSourceFileConfig = z.infer<typeof acceptanceSourceFileSchema>;

/** A configured acceptance source, ready to be created. */
export interface AcceptanceSourceConfig {
  type: 'pivotal-tracker';
  token: string;
  url?: string;
  project?: number | string;
  cacheTtlMs?: number;
  timeoutMs?: number;
}

/** `SWITCHYARD_PIVOTAL_TOKEN` for the source `pivotal`, `SWITCHYARD_JIRA_CLOUD_TOKEN` for `jira-cloud`. */
export function acceptanceEnvPrefix(name: string): string {
  return `SWITCHYARD_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;
}

const ENV_SOURCE = 'pivotal';

/**
 * The acceptance sources from the configuration file and the environment. `SWITCHYARD_PIVOTAL_TOKEN`
 * alone configures a Pivotal Tracker source named `pivotal` (the name Featuris manifests use);
 * `SWITCHYARD_<NAME>_TOKEN`, `_PROJECT` and `_URL` override the file's settings of source `<name>`.
 * Problems are appended to `errors` as one line each.
 */
export function acceptanceFromConfig(env: Env, file: Record<string, AcceptanceSourceFileConfig> | undefined, errors: string[]): Record<string, AcceptanceSourceConfig> {
  const entries: Record<string, Partial<AcceptanceSourceFileConfig>> = { ...(file ?? {}) };
  if (env[`${acceptanceEnvPrefix(ENV_SOURCE)}TOKEN`] && !Object.hasOwn(entries, ENV_SOURCE)) entries[ENV_SOURCE] = { type: 'pivotal-tracker' };
  const out: Record<string, AcceptanceSourceConfig> = {};
  for (const [name, entry] of Object.entries(entries)) {
    const prefix = acceptanceEnvPrefix(name);
    const token = env[`${prefix}TOKEN`] || entry.token;
    const project = env[`${prefix}PROJECT`] || entry.project;
    const url = env[`${prefix}URL`] || entry.url;
    if (!token) {
      errors.push(`acceptance source "${name}" needs an API token: set ${prefix}TOKEN or acceptance.${name}.token in the config file`);
      continue;
    }
    if (project !== undefined && !/^\d+$/.test(String(project))) errors.push(`${prefix}PROJECT must be a project id (digits), got "${String(project)}"`);
    if (url !== undefined && !URL.canParse(url)) errors.push(`${prefix}URL must be a URL, got "${url}"`);
    out[name] = {
      type: 'pivotal-tracker',
      token,
      ...(url !== undefined ? { url } : {}),
      ...(project !== undefined ? { project } : {}),
      ...(entry.cacheTtlMs !== undefined ? { cacheTtlMs: entry.cacheTtlMs } : {}),
      ...(entry.timeoutMs !== undefined ? { timeoutMs: entry.timeoutMs } : {}),
    };
  }
  return out;
}

/** The engine's acceptance sources for a configuration. */
export function createAcceptanceSources(config: Readonly<Record<string, AcceptanceSourceConfig>> = {}): Record<string, AcceptanceSource> {
  const out: Record<string, AcceptanceSource> = {};
  for (const [name, c] of Object.entries(config)) out[name] = pivotalTrackerSource(c);
  return out;
}

/** One line for the startup log, without the token. */
export function describeAcceptanceSource(name: string, c: AcceptanceSourceConfig): string {
  const parts = [`Pivotal Tracker at ${c.url ?? PIVOTAL_TRACKER_URL}`];
  if (c.project !== undefined) parts.push(`project ${c.project}`);
  parts.push(`answers cached ${(c.cacheTtlMs ?? 60_000) / 1000} s`, `timeout ${(c.timeoutMs ?? 5000) / 1000} s`);
  return `acceptance source "${name}": ${parts.join(', ')}`;
}
