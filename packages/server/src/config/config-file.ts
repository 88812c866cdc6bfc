import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatPath, strictObject } from '@switchyard/core';
import { acceptanceSourceFileSchema } from '../acceptance/acceptance-config';
import { ROLES } from '../auth/roles';
import { LOG_LEVELS } from './server-config';

const role = z.enum(ROLES);
/** An API key's or user's role: read, write, admin, or a name an access-role list grants (checked with the lists). */
const roleName = z.string().min(1);
const roleNames = z.array(z.string().min(1));

/** The optional configuration file (JSON or YAML). Every field is optional; flags and environment variables win over it. */
export const configFileSchema = strictObject({
  port: z.union([z.number(), z.string()]).optional(),
  host: z.string().optional(),
  manifests: z.string().optional(),
  store: z.string().optional(),
  environment: z.string().optional(),
  insecure: z.boolean().optional(),
  bodyLimit: z.union([z.number(), z.string()]).optional(),
  logLevel: z.enum(LOG_LEVELS as [string, ...string[]]).optional(),
  watchManifests: z.boolean().optional(),
  corsOrigins: z.array(z.string()).optional(),
  authFailuresPerMinute: z.number().int().nonnegative().optional(),
  redisCommands: z.array(z.string().min(1)).optional(),
  writeTimeoutMs: z.number().int().nonnegative().optional(),
  allowedHosts: z.array(z.string().min(1)).optional(),
  headersTimeoutMs: z.number().int().positive().optional(),
  requestTimeoutMs: z.number().int().positive().optional(),
  streamsPerClient: z.number().int().positive().optional(),
  maxStreams: z.number().int().positive().optional(),
  workflows: strictObject({
    /** Folder of workflow definitions (YAML/JSON). */
    dir: z.string().optional(),
    /** Per-environment settings (base URLs, connections, secrets), as `@switchyard/workflow` takes them. */
    environments: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    /** Session tags and how their JWTs are verified. */
    sessions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    /** Where `http` steps and webhooks may send requests, for every workflow. */
    network: strictObject({
      /** The only origins requests may go to; absent: any public origin. */
      allowOrigins: z.array(z.string()).optional(),
      /** Loopback, private or link-local addresses (CIDR blocks or addresses) requests may still reach. */
      allowPrivate: z.array(z.string()).optional(),
      /** Largest response body a step reads, in bytes. */
      maxResponseBytes: z.number().int().positive().optional(),
    }).optional(),
    /** Per-attempt timeout of steps that set none (default 10 000 ms). */
    stepTimeoutMs: z.number().int().positive().optional(),
    /** Deadline of a whole run for workflows that set none (default 30 000 ms). */
    runDeadlineMs: z.number().int().positive().optional(),
  }).optional(),
  /** Acceptance sources by the name manifests give in `source` (e.g. `pivotal`). */
  acceptance: z.record(z.string().min(1), acceptanceSourceFileSchema).optional(),
  auth: strictObject({
    apiKeys: z.array(strictObject({ key: z.string().min(1), role: roleName })).optional(),
    basic: z.array(strictObject({ username: z.string().min(1), password: z.string().min(1), role: roleName })).optional(),
    /** cds-feature-toggles' access roles: role names granting read and write (default `system-user`) … */
    serviceAccessRoles: roleNames.optional(),
    readAccessRoles: roleNames.optional(),
    writeAccessRoles: roleNames.optional(),
    adminAccessRoles: roleNames.optional(),
    jwt: strictObject({
      secret: z.string().min(1).optional(),
      jwksUrl: z.url().optional(),
      issuer: z.string().optional(),
      audience: z.string().optional(),
      roleClaim: z.string().min(1).optional(),
      defaultRole: role.optional(),
    }).optional(),
  }).optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;

/**
 * Reads and validates a configuration file. A relative `manifests` path is resolved against the
 * file's directory. Returns problems as one-line messages naming the file and field.
 */
export function readConfigFile(file: string): { config: ConfigFile } | { errors: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { errors: [`cannot read config file ${file}: ${(err as Error).message}`] };
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    return { errors: [`config file ${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message.split('\n')[0]}`] };
  }
  const parsed = configFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      errors: parsed.error.issues.map((i) => `config file ${file}: ${i.path.length ? `${formatPath(i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)))}: ` : ''}${i.message}`),
    };
  }
  const config = parsed.data;
  if (config.manifests !== undefined && !path.isAbsolute(config.manifests)) config.manifests = path.join(path.dirname(file), config.manifests);
  if (config.workflows?.dir !== undefined && !path.isAbsolute(config.workflows.dir)) config.workflows.dir = path.join(path.dirname(file), config.workflows.dir);
  return { config };
}
