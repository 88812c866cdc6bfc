import { parseArgs } from 'node:util';
import { parseStoreUrl, DEFAULT_STORE_URL, redactUrl } from '@switchyard/stores';
import { acceptanceFromConfig } from '../acceptance/acceptance-config';
import { authFromEnv } from './auth-env';
import { securityOptions } from './security-options';
import { redisCommandEntryProblem } from '../security/redis-commands';
import { apiKeyWeakness, jwtSecretWeakness } from '../security/key-strength';
import { readConfigFile, type ConfigFile } from './config-file';
import { DEFAULT_AUTH_FAILURE_LIMIT } from '../security/auth-failure-limiter';
import { authEnabled, isLoopback, LOG_LEVELS, type LogLevel, type ServerConfig } from './server-config';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_WRITE_TIMEOUT_MS = 5000;

/** Command-line options `parseServerConfig` understands. */
export const SERVER_OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  manifests: { type: 'string', short: 'm' },
  store: { type: 'string', short: 's' },
  env: { type: 'string', short: 'e' },
  config: { type: 'string', short: 'c' },
  insecure: { type: 'boolean' },
  'log-level': { type: 'string' },
  'body-limit': { type: 'string' },
  'no-watch': { type: 'boolean' },
  workflows: { type: 'string', short: 'w' },
  'cors-origin': { type: 'string', multiple: true },
  'allowed-host': { type: 'string', multiple: true },
} as const;

export type ParsedServerConfig = { config: ServerConfig; errors?: undefined } | { config?: undefined; errors: string[] };

/**
 * Builds the server configuration from command-line flags, environment variables, an optional
 * config file (`--config FILE` / `SWITCHYARD_CONFIG`, JSON or YAML) and `defaults`, in that order of
 * precedence. Returns every problem as a one-line message instead of throwing.
 */
export function parseServerConfig(argv: readonly string[], env: Env = process.env, defaults: Partial<ServerConfig> = {}): ParsedServerConfig {
  const errors: string[] = [];
  let flags: Record<string, string | boolean | string[] | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options: SERVER_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    return { errors: [(err as Error).message.split('\n')[0]!] };
  }
  const str = (name: string) => (typeof flags[name] === 'string' ? flags[name] : undefined);

  let file: ConfigFile = {};
  const configPath = str('config') ?? env.SWITCHYARD_CONFIG;
  if (configPath) {
    const read = readConfigFile(configPath);
    if ('errors' in read) return { errors: read.errors };
    file = read.config;
  }

  const port = pick(str('port'), '--port', env.PORT, 'PORT', file.port, 'config port', defaults.port ?? DEFAULT_PORT);
  const portNumber = Number(port.value);
  if (!/^\d+$/.test(String(port.value).trim()) || portNumber > 65535) errors.push(`${port.from} must be a port number from 0 to 65535, got "${String(port.value)}"`);

  const host = pick(str('host'), '--host', env.HOST, 'HOST', file.host, 'config host', defaults.host ?? DEFAULT_HOST);
  if (String(host.value).trim() === '') errors.push(`${host.from} must not be empty`);

  const manifests =
    str('manifests') ?? (env.SWITCHYARD_MANIFESTS || undefined) ?? (env.DEFAULT_DATA_SOURCE || undefined) ?? file.manifests ?? defaults.manifests;
  const store = String(pick(str('store'), '--store', env.SWITCHYARD_STORE, 'SWITCHYARD_STORE', file.store, 'config store', defaults.store ?? DEFAULT_STORE_URL).value);
  try {
    parseStoreUrl(store);
  } catch (err) {
    errors.push((err as Error).message);
  }
  const workflows = str('workflows') ?? (env.SWITCHYARD_WORKFLOWS || undefined) ?? file.workflows?.dir ?? defaults.workflows;
  const environment = str('env') ?? (env.SWITCHYARD_ENV || undefined) ?? (env.NODE_ENV || undefined) ?? file.environment ?? defaults.environment;

  const logLevel = String(pick(str('log-level'), '--log-level', env.SWITCHYARD_LOG_LEVEL, 'SWITCHYARD_LOG_LEVEL', file.logLevel, 'config logLevel', defaults.logLevel ?? 'info').value);
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) errors.push(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  const limit = pick(str('body-limit'), '--body-limit', env.SWITCHYARD_BODY_LIMIT, 'SWITCHYARD_BODY_LIMIT', file.bodyLimit, 'config bodyLimit', defaults.bodyLimit ?? DEFAULT_BODY_LIMIT);
  const bodyLimit = Number(limit.value);
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1) errors.push(`${limit.from} must be a positive number of bytes, got "${String(limit.value)}"`);

  const insecure = flags.insecure === true || env.SWITCHYARD_INSECURE === 'true' || env.SWITCHYARD_INSECURE === '1' || file.insecure === true || defaults.insecure === true;
  const watchManifests = flags['no-watch'] === true ? false : (file.watchManifests ?? defaults.watchManifests ?? true);
  const corsOrigins = parseCorsOrigins(flags['cors-origin'], env.SWITCHYARD_CORS_ORIGINS, file.corsOrigins ?? defaults.corsOrigins, errors);
  const failures = pick(undefined, '', env.SWITCHYARD_AUTH_FAILURE_LIMIT, 'SWITCHYARD_AUTH_FAILURE_LIMIT', file.authFailuresPerMinute, 'config authFailuresPerMinute', defaults.authFailureLimit?.failures ?? DEFAULT_AUTH_FAILURE_LIMIT.failures);
  const failureCount = Number(failures.value);
  if (!/^\d+$/.test(String(failures.value).trim())) errors.push(`${failures.from} must be a whole number of refused authentications per minute (0 disables the limit), got "${String(failures.value)}"`);
  const writeTimeout = pick(undefined, '', env.SWITCHYARD_WRITE_TIMEOUT_MS, 'SWITCHYARD_WRITE_TIMEOUT_MS', file.writeTimeoutMs, 'config writeTimeoutMs', defaults.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS);
  const writeTimeoutMs = Number(writeTimeout.value);
  if (!/^\d+$/.test(String(writeTimeout.value).trim())) errors.push(`${writeTimeout.from} must be a whole number of milliseconds (0 waits as long as the store does), got "${String(writeTimeout.value)}"`);
  const redisCommands = [...(file.redisCommands ?? defaults.redisCommands ?? []), ...commaList(env.SWITCHYARD_REDIS_COMMANDS)];
  for (const entry of redisCommands) {
    const problem = redisCommandEntryProblem(entry);
    if (problem) errors.push(problem);
  }
  const allowedHostFlag = Array.isArray(flags['allowed-host']) ? flags['allowed-host'] : undefined;
  const security = securityOptions({ allowedHosts: allowedHostFlag }, env, { ...file, allowedHosts: file.allowedHosts ?? defaults.allowedHosts }, errors);
  const allowWeakKeys = security.allowWeakKeys || defaults.allowWeakKeys === true;
  // Weak secrets are configuration errors unless SWITCHYARD_ALLOW_WEAK_KEYS=1 (then `createServerRuntime` warns).
  const weak: string[] = [];
  const auth = authFromEnv(env, file.auth, errors, weak, configPath);
  const acceptance = { ...(defaults.acceptance ?? {}), ...acceptanceFromConfig(env, file.acceptance, errors) };
  if (defaults.auth) {
    defaults.auth.apiKeys.forEach((k, i) => {
      const problem = apiKeyWeakness(k.key, `default API key ${i + 1}`);
      if (problem) weak.push(problem);
    });
    if (!auth.jwt && defaults.auth.jwt?.secret) {
      const problem = jwtSecretWeakness(defaults.auth.jwt.secret, 'the default JWT secret');
      if (problem) weak.push(problem);
    }
    auth.apiKeys.push(...defaults.auth.apiKeys);
    auth.basic.push(...defaults.auth.basic);
    auth.jwt ??= defaults.auth.jwt;
    if (defaults.auth.accessRoles) auth.accessRoles = { ...defaults.auth.accessRoles, ...auth.accessRoles };
  }
  if (!allowWeakKeys) errors.push(...weak);

  const hostName = String(host.value).trim();
  if (errors.length === 0 && !authEnabled(auth) && !isLoopback(hostName) && !insecure) {
    errors.push(
      `refusing to listen on ${hostName} without credentials: set SWITCHYARD_API_KEYS (or FLAGS_API_KEY, FLAGS_USERNAME/FLAGS_PASSWORD, FLAGS_JWT_SECRET/FLAGS_JWKS_URL), listen on 127.0.0.1, or pass --insecure`,
    );
  }
  if (errors.length) return { errors };
  return {
    config: {
      port: portNumber,
      host: hostName,
      manifests,
      store,
      environment,
      insecure,
      auth,
      bodyLimit,
      logLevel: logLevel as LogLevel,
      watchManifests,
      workflows,
      corsOrigins,
      authFailureLimit: { ...DEFAULT_AUTH_FAILURE_LIMIT, ...defaults.authFailureLimit, failures: failureCount },
      redisCommands,
      writeTimeoutMs,
      allowedHosts: security.allowedHosts,
      headersTimeoutMs: security.headersTimeoutMs,
      requestTimeoutMs: security.requestTimeoutMs,
      streamLimits: security.streamLimits,
      allowWeakKeys,
      workflowSettings: file.workflows ? workflowSettingsOf(file.workflows) : defaults.workflowSettings,
      acceptance,
    },
  };
}

/** The runner settings of the config file's `workflows` section (everything but `dir`). */
function workflowSettingsOf(section: NonNullable<ConfigFile['workflows']>): NonNullable<ServerConfig['workflowSettings']> {
  const { dir: _dir, ...settings } = section;
  return settings;
}

/** Comma-separated entries, trimmed, without empty ones. */
function commaList(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** CORS origins from `--cors-origin` (repeatable, comma lists), else the environment, else the file; each must be an origin or `*`. */
function parseCorsOrigins(flag: string | boolean | string[] | undefined, envValue: string | undefined, fileValue: string[] | undefined, errors: string[]): string[] {
  const given = Array.isArray(flag) && flag.length ? flag.flatMap(commaList) : envValue?.trim() ? commaList(envValue) : (fileValue ?? []);
  for (const origin of given) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin.replace(/\/$/, '') || !/^https?:$/.test(parsed.protocol)) {
      errors.push(`CORS origin "${origin}" must be an origin such as https://console.example.com (scheme, host and optional port) or *`);
    }
  }
  return [...new Set(given.map((o) => o.replace(/\/$/, '')))];
}

/** The first value given, in precedence order, with where it came from (for error messages). */
function pick(
  flag: string | undefined,
  flagName: string,
  envValue: string | undefined,
  envName: string,
  fileValue: string | number | undefined,
  fileName: string,
  fallback: string | number,
): { value: string | number; from: string } {
  if (flag !== undefined) return { value: flag, from: flagName };
  if (envValue !== undefined && envValue !== '') return { value: envValue, from: envName };
  if (fileValue !== undefined) return { value: fileValue, from: fileName };
  return { value: fallback, from: 'the default' };
}

/** The store URL for logs and `/v1/admin/info`, without credentials. */
export function displayStoreUrl(url: string): string {
  return redactUrl(url);
}

/**
 * The names of the acceptance sources a server would have with this environment and configuration
 * file (`SWITCHYARD_CONFIG` when `configPath` is not given), for tools that check manifests against
 * them (`switchyard validate`). Problems come back as one line each.
 */
export function acceptanceSourceNames(env: Env = process.env, configPath?: string): { names: string[]; errors?: undefined } | { names?: undefined; errors: string[] } {
  const file = configPath ?? (env.SWITCHYARD_CONFIG || undefined);
  let acceptance: ConfigFile['acceptance'];
  if (file) {
    const read = readConfigFile(file);
    if ('errors' in read) return { errors: read.errors };
    acceptance = read.config.acceptance;
  }
  const errors: string[] = [];
  const names = Object.keys(acceptanceFromConfig(env, acceptance, errors));
  return errors.length ? { errors } : { names };
}
