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

/**
 * How a setting is documented: `docs/configuration.md` is generated from these (`pnpm docs:generate`),
 * so the reference cannot drift from what the server reads.
 */
export interface SettingDoc {
  description: string;
  /** Environment variable that overrides the file. */
  env?: string;
  /** `switchyard serve` / server command-line flag that overrides both. */
  flag?: string;
  default?: string;
  [key: string]: unknown;
}

const doc = (meta: SettingDoc): SettingDoc => meta;

/** The optional configuration file (JSON or YAML). Every field is optional; flags and environment variables win over it. */
export const configFileSchema = strictObject({
  port: z.union([z.number(), z.string()]).optional().meta(doc({ description: 'TCP port to listen on.', env: 'PORT', flag: '--port, -p', default: '3000' })),
  host: z.string().optional().meta(doc({ description: 'Address to listen on. Anything but loopback requires credentials (or `insecure`).', env: 'HOST', flag: '--host', default: '127.0.0.1' })),
  manifests: z.string().optional().meta(doc({ description: 'Folder (or file) of flag manifests, watched for changes. Relative to the config file.', env: 'SWITCHYARD_MANIFESTS (or DEFAULT_DATA_SOURCE)', flag: '--manifests, -m' })),
  store: z.string().optional().meta(doc({ description: 'Store URL: `memory:`, `sqlite:PATH`, `postgres://…`, `redis://…`.', env: 'SWITCHYARD_STORE', flag: '--store, -s', default: 'sqlite:./data/switchyard.db' })),
  environment: z.string().optional().meta(doc({ description: 'Environment whose manifest rules apply when a request names none.', env: 'SWITCHYARD_ENV (or NODE_ENV)', flag: '--env, -e' })),
  insecure: z.boolean().optional().meta(doc({ description: 'Allow listening beyond loopback without credentials.', env: 'SWITCHYARD_INSECURE=1', flag: '--insecure', default: 'false' })),
  bodyLimit: z.union([z.number(), z.string()]).optional().meta(doc({ description: 'Largest request body, in bytes.', env: 'SWITCHYARD_BODY_LIMIT', flag: '--body-limit', default: '1 MiB' })),
  logLevel: z.enum(LOG_LEVELS as [string, ...string[]]).optional().meta(doc({ description: `Log level: ${LOG_LEVELS.join(', ')}.`, env: 'SWITCHYARD_LOG_LEVEL', flag: '--log-level', default: 'info' })),
  watchManifests: z.boolean().optional().meta(doc({ description: 'Reload manifests when their files change.', flag: '--no-watch (turns it off)', default: 'true' })),
  corsOrigins: z.array(z.string()).optional().meta(doc({ description: 'Browser origins allowed to call the API cross-origin (exact origins).', env: 'SWITCHYARD_CORS_ORIGINS (comma list)', flag: '--cors-origin (repeatable)' })),
  authFailuresPerMinute: z.number().int().nonnegative().optional().meta(doc({ description: 'Refused authentications per client and minute before it is locked out (429); 0 disables the limit.', env: 'SWITCHYARD_AUTH_FAILURE_LIMIT', default: '20' })),
  redisCommands: z.array(z.string().min(1)).optional().meta(doc({ description: 'Read-only Redis commands the cds `/rest/feature/redisSendCommand` endpoint may run on the store\'s own keys (none by default; anything else is refused with 403).', env: 'SWITCHYARD_REDIS_COMMANDS (comma list, added to the file\'s)' })),
  writeTimeoutMs: z.number().int().nonnegative().optional().meta(doc({ description: 'Longest a write waits for the store before answering 503; 0 waits as long as the store does.', env: 'SWITCHYARD_WRITE_TIMEOUT_MS', default: '5000' })),
  allowedHosts: z.array(z.string().min(1)).optional().meta(doc({ description: 'Host names (besides loopback) accepted in the `Host` header when no credentials are configured: protects against DNS rebinding.', env: 'SWITCHYARD_ALLOWED_HOSTS (comma list)', flag: '--allowed-host (repeatable)' })),
  headersTimeoutMs: z.number().int().positive().optional().meta(doc({ description: 'Longest wait for a request\'s headers (at most 20000).', env: 'SWITCHYARD_HEADERS_TIMEOUT_MS', default: '20000' })),
  requestTimeoutMs: z.number().int().positive().optional().meta(doc({ description: 'Longest wait for a whole request, headers and body.', env: 'SWITCHYARD_REQUEST_TIMEOUT_MS', default: '30000' })),
  streamsPerClient: z.number().int().positive().optional().meta(doc({ description: 'Open event streams (`/v1/stream`) per client address.', env: 'SWITCHYARD_STREAMS_PER_CLIENT', default: '16' })),
  maxStreams: z.number().int().positive().optional().meta(doc({ description: 'Open event streams in all.', env: 'SWITCHYARD_MAX_STREAMS', default: '1000' })),
  workflows: strictObject({
    dir: z.string().optional().meta(doc({ description: 'Folder of workflow definitions (YAML/JSON). Relative to the config file.', env: 'SWITCHYARD_WORKFLOWS', flag: '--workflows, -w' })),
    environments: z.record(z.string(), z.record(z.string(), z.unknown())).optional().meta(doc({ description: 'Per-environment settings (base URLs, connections, secrets), as `@switchyard/workflow` takes them.' })),
    sessions: z.record(z.string(), z.record(z.string(), z.unknown())).optional().meta(doc({ description: 'Session tags and how their JWTs are verified.' })),
    network: strictObject({
      allowOrigins: z.array(z.string()).optional().meta(doc({ description: 'The only origins `http` steps may send requests to; absent: any public origin.' })),
      allowPrivate: z.array(z.string()).optional().meta(doc({ description: 'Loopback, private or link-local addresses (CIDR blocks or addresses) requests may still reach.' })),
      maxResponseBytes: z.number().int().positive().optional().meta(doc({ description: 'Largest response body a step reads, in bytes.' })),
    }).optional().meta(doc({ description: 'Where `http` steps may send requests, for every workflow.' })),
    stepTimeoutMs: z.number().int().positive().optional().meta(doc({ description: 'Per-attempt timeout of steps that set none.', default: '10000' })),
    runDeadlineMs: z.number().int().positive().optional().meta(doc({ description: 'Deadline of a whole run for workflows that set none.', default: '30000' })),
  }).optional().meta(doc({ description: 'Feature workflows served at `/v1/features/run`.' })),
  acceptance: z.record(z.string().min(1), acceptanceSourceFileSchema).optional().meta(doc({ description: 'Acceptance sources, by the name manifests give in `source` (e.g. `pivotal`). `SWITCHYARD_<NAME>_TOKEN` overrides a source\'s token.' })),
  auth: strictObject({
    apiKeys: z.array(strictObject({ key: z.string().min(1), role: roleName })).optional().meta(doc({ description: 'API keys and their roles (`read`, `write`, `admin` or an access role).', env: 'SWITCHYARD_API_KEYS (KEY:ROLE,…, added), FLAGS_API_KEY (one admin key)' })),
    basic: z.array(strictObject({ username: z.string().min(1), password: z.string().min(1), role: roleName })).optional().meta(doc({ description: 'Basic-auth users and their roles.', env: 'FLAGS_USERNAME + FLAGS_PASSWORD (one admin user)' })),
    serviceAccessRoles: roleNames.optional().meta(doc({ description: 'cds-feature-toggles access roles granting read and write.', env: 'SWITCHYARD_SERVICE_ACCESS_ROLES', default: 'system-user' })),
    readAccessRoles: roleNames.optional().meta(doc({ description: 'Access roles granting read.', env: 'SWITCHYARD_READ_ACCESS_ROLES' })),
    writeAccessRoles: roleNames.optional().meta(doc({ description: 'Access roles granting write.', env: 'SWITCHYARD_WRITE_ACCESS_ROLES' })),
    adminAccessRoles: roleNames.optional().meta(doc({ description: 'Access roles granting admin.', env: 'SWITCHYARD_ADMIN_ACCESS_ROLES' })),
    jwt: strictObject({
      secret: z.string().min(1).optional().meta(doc({ description: 'HS256 secret that signs accepted tokens.', env: 'FLAGS_JWT_SECRET' })),
      jwksUrl: z.url().optional().meta(doc({ description: 'JWKS URL of the token issuer (RS/ES/EdDSA keys).', env: 'FLAGS_JWKS_URL' })),
      issuer: z.string().optional().meta(doc({ description: 'Required `iss` claim.', env: 'FLAGS_JWT_ISSUER' })),
      audience: z.string().optional().meta(doc({ description: 'Required `aud` claim.', env: 'FLAGS_JWT_AUDIENCE' })),
      roleClaim: z.string().min(1).optional().meta(doc({ description: 'Claim holding the role.', env: 'SWITCHYARD_JWT_ROLE_CLAIM', default: 'role' })),
      defaultRole: role.optional().meta(doc({ description: 'Role of a valid token without a role claim.', env: 'SWITCHYARD_JWT_DEFAULT_ROLE', default: 'read' })),
    }).optional().meta(doc({ description: 'JSON Web Tokens (`Authorization: Bearer`).' })),
  }).optional().meta(doc({ description: 'Credentials. With none configured the server listens on loopback only (unless `insecure`). Weak keys are refused unless `SWITCHYARD_ALLOW_WEAK_KEYS=1`.' })),
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
