import type { ConfigFile } from './config-file';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from '../security/stream-limits';

type Env = Readonly<Record<string, string | undefined>>;

/** Longest the server waits for a request's headers; a partial request line is dropped after it. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 20_000;
/** Upper bound of `headersTimeoutMs`. */
export const MAX_HEADERS_TIMEOUT_MS = 20_000;
/** Longest the server waits for a whole request (headers and body). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The resource and host settings of `parseServerConfig`, read from the environment and the config file. */
export interface SecurityOptions {
  allowedHosts: string[];
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  streamLimits: StreamLimits;
  allowWeakKeys: boolean;
}

/** A whole number from the environment, else the file, else the default; problems go to `errors`. */
function wholeNumber(env: Env, envName: string, fileValue: number | undefined, fileName: string, fallback: number, errors: string[], min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[envName];
  const [value, from] = raw !== undefined && raw.trim() !== '' ? [raw.trim(), envName] : fileValue !== undefined ? [String(fileValue), `config ${fileName}`] : [String(fallback), 'the default'];
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    errors.push(`${from} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}, got "${value}"`);
    return fallback;
  }
  return n;
}

/**
 * Host names served when no credentials are configured (besides loopback), timeouts and event
 * stream caps. `SWITCHYARD_ALLOWED_HOSTS` is a comma list of host names or IP addresses (any port).
 */
export function securityOptions(flags: { allowedHosts?: string[] }, env: Env, file: ConfigFile, errors: string[]): SecurityOptions {
  const hosts = flags.allowedHosts?.length ? flags.allowedHosts.flatMap(list) : env.SWITCHYARD_ALLOWED_HOSTS?.trim() ? list(env.SWITCHYARD_ALLOWED_HOSTS) : (file.allowedHosts ?? []);
  for (const host of hosts) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+|[0-9a-fA-F:]+:[0-9a-fA-F:.]*)$/.test(host)) errors.push(`allowed host "${host}" must be a host name or an IP address, without scheme or port`);
  }
  const headersTimeoutMs = wholeNumber(env, 'SWITCHYARD_HEADERS_TIMEOUT_MS', file.headersTimeoutMs, 'headersTimeoutMs', DEFAULT_HEADERS_TIMEOUT_MS, errors, 1, MAX_HEADERS_TIMEOUT_MS);
  const requestTimeoutMs = wholeNumber(env, 'SWITCHYARD_REQUEST_TIMEOUT_MS', file.requestTimeoutMs, 'requestTimeoutMs', DEFAULT_REQUEST_TIMEOUT_MS, errors, 1);
  if (requestTimeoutMs < headersTimeoutMs) errors.push(`the request timeout (${requestTimeoutMs} ms) must not be shorter than the headers timeout (${headersTimeoutMs} ms)`);
  const perClient = wholeNumber(env, 'SWITCHYARD_STREAMS_PER_CLIENT', file.streamsPerClient, 'streamsPerClient', DEFAULT_STREAM_LIMITS.perClient, errors, 1);
  const total = wholeNumber(env, 'SWITCHYARD_MAX_STREAMS', file.maxStreams, 'maxStreams', DEFAULT_STREAM_LIMITS.total, errors, 1);
  const weak = env.SWITCHYARD_ALLOW_WEAK_KEYS?.trim();
  if (weak !== undefined && weak !== '' && !['0', '1', 'true', 'false'].includes(weak)) errors.push(`SWITCHYARD_ALLOW_WEAK_KEYS must be 1 or 0, got "${weak}"`);
  return {
    allowedHosts: [...new Set(hosts.map((h) => h.toLowerCase()))],
    headersTimeoutMs,
    requestTimeoutMs,
    streamLimits: { perClient, total },
    allowWeakKeys: weak === '1' || weak === 'true',
  };
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
