import type { AcceptanceSourceConfig } from '../acceptance/acceptance-config';
import type { AccessRoles } from '../auth/access-roles';
import type { Role } from '../auth/roles';
import type { AuthFailureLimit } from '../security/auth-failure-limiter';
import type { StreamLimits } from '../security/stream-limits';

export interface ApiKeyCredential {
  key: string;
  /** `read`, `write`, `admin`, or a role name one of the access-role lists grants (e.g. `system-user`). */
  role: string;
}

export interface BasicCredential {
  username: string;
  password: string;
  /** `read`, `write`, `admin`, or a role name one of the access-role lists grants. */
  role: string;
}

export interface JwtConfig {
  /** Shared secret for HS256/384/512 tokens. */
  secret?: string;
  /** JWKS URL for asymmetric tokens (RS*, ES*, EdDSA). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Claim holding the role names (a string or a list; the highest role they grant wins). Default `role`. */
  roleClaim: string;
  /** Role of valid tokens without a known role in `roleClaim`. Default `read`. */
  defaultRole: Role;
}

/** Credentials the server accepts; a request passes when any configured strategy accepts it. */
export interface AuthConfig {
  apiKeys: ApiKeyCredential[];
  basic: BasicCredential[];
  jwt?: JwtConfig;
  /** Which role names grant read, write and admin (cds-feature-toggles' settings). Default: `system-user` grants read and write. */
  accessRoles?: AccessRoles;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Everything `startServer` needs; produced by `parseServerConfig`. */
export interface ServerConfig {
  port: number;
  /** Address to listen on. Default `127.0.0.1`. */
  host: string;
  /** Manifest directory (Featuris and native files); none when absent. */
  manifests?: string;
  /** Store URL, e.g. `sqlite:./data/switchyard.db`, `postgres://…`, `redis://…`. */
  store: string;
  /** Default environment for evaluations that name none; all environments when absent (Featuris). */
  environment?: string;
  /** Allow listening on a non-loopback address without credentials. */
  insecure: boolean;
  auth: AuthConfig;
  /** Largest accepted request body, in bytes. Default 1 MiB. */
  bodyLimit: number;
  logLevel: LogLevel;
  /** Reload manifests when their files change. Default `true`. */
  watchManifests: boolean;
  /** Folder of workflow features served by `POST /v1/features/run`; none when absent. */
  workflows?: string;
  /** Origins allowed to call the API from a browser (CORS); none (the default) sends no CORS headers. */
  corsOrigins?: string[];
  /** Refused authentications tolerated per client address before answering 429. Default 20 a minute. */
  authFailureLimit?: AuthFailureLimit;
  /** Longest a write waits for the store before answering 503. Default 5000 ms; `0` waits as long as the store does. */
  writeTimeoutMs?: number;
  /** Read-only key commands `redisSendCommand` may run besides the defaults, e.g. `HGET`. */
  redisCommands?: string[];
  /** Host names served besides loopback when no credentials are configured (`SWITCHYARD_ALLOWED_HOSTS`). */
  allowedHosts?: string[];
  /** Longest wait for a request's headers (at most 20 s). Default 20000 ms. */
  headersTimeoutMs?: number;
  /** Longest wait for a whole request, body included. Default 30000 ms. */
  requestTimeoutMs?: number;
  /** Caps on open event streams per client address and in total. Default 16 and 1000. */
  streamLimits?: StreamLimits;
  /** Start with API keys under 16 characters or a JWT secret under 32 bytes (tests and demos); a warning is logged. */
  allowWeakKeys?: boolean;
  /** Acceptance sources by the name manifests use in `source` (config file `acceptance`, `SWITCHYARD_PIVOTAL_TOKEN`). */
  acceptance?: Record<string, AcceptanceSourceConfig>;
  /** Environments, sessions, network policy and time limits of the workflow runner (from the config file: they hold secrets). */
  workflowSettings?: WorkflowSettings;
}

/** The workflow runner's settings as the config file gives them; `@switchyard/workflow` checks them in depth. */
export interface WorkflowSettings {
  environments?: Record<string, Record<string, unknown>>;
  sessions?: Record<string, Record<string, unknown>>;
  /** Where `http` steps and webhooks may send requests: `allowOrigins`, `allowPrivate` (CIDR), `maxResponseBytes`. */
  network?: { allowOrigins?: string[]; allowPrivate?: string[]; maxResponseBytes?: number };
  /** Per-attempt timeout of steps that set none. Default 10 000 ms. */
  stepTimeoutMs?: number;
  /** Deadline of a whole run for workflows that set none. Default 30 000 ms. */
  runDeadlineMs?: number;
}

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** True when at least one credential is configured. */
export function authEnabled(auth: AuthConfig): boolean {
  return auth.apiKeys.length > 0 || auth.basic.length > 0 || auth.jwt !== undefined;
}

/** Loopback addresses, where a server without credentials is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}
