/** Where the toggle state lives: a Switchyard store URL and the namespace inside it. */
export interface StoreLocation {
  url: string;
  /** Key prefix (Redis) or schema (PostgreSQL) derived from the unique name; absent: the URL decides. */
  namespace?: string;
  /** Where the location came from, for the start-up log line. */
  from: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Credentials of a Redis service binding (`cds.requires.redis.credentials`, a Cloud Foundry binding). */
interface RedisCredentials {
  uri?: string;
  url?: string;
  hostname?: string;
  host?: string;
  port?: number | string;
  password?: string;
  username?: string;
  tls?: boolean | object;
}

/**
 * The store of the plugin, in this order: `SWITCHYARD_STORE` (any store URL: memory, SQLite,
 * PostgreSQL, Redis), the Redis binding `cds.requires['redis-featureToggles']` or
 * `cds.requires.redis` (as cds-feature-toggles reads it), else an in-process memory store (values
 * are then neither shared nor kept across restarts, like cds-feature-toggles without Redis).
 */
export function storeLocation(requires: Record<string, unknown> | undefined, uniqueName: string | undefined, env: Env = process.env): StoreLocation {
  const explicit = env.SWITCHYARD_STORE?.trim();
  let url: string;
  let from: string;
  if (explicit) {
    url = explicit;
    from = 'SWITCHYARD_STORE';
  } else {
    const binding = (requires?.['redis-featureToggles'] ?? requires?.redis) as { credentials?: RedisCredentials } | undefined;
    const redis = binding?.credentials ? redisUrl(binding.credentials) : undefined;
    url = redis ?? 'memory:';
    from = redis ? `cds.requires.${requires?.['redis-featureToggles'] ? 'redis-featureToggles' : 'redis'}` : 'no store configured (in-process memory)';
  }
  const namespace = uniqueName ? namespaceFor(url, uniqueName) : undefined;
  return { url, from, ...(namespace ? { namespace } : {}) };
}

/** The unique name: the setting, else `BTP_FEATURES_UNIQUE_NAME`, else the Cloud Foundry application name. */
export function defaultUniqueName(env: Env = process.env): string | undefined {
  if (env.BTP_FEATURES_UNIQUE_NAME) return env.BTP_FEATURES_UNIQUE_NAME;
  return cfApplication(env)?.application_name;
}

/** The URLs Cloud Foundry routes to this app (`VCAP_APPLICATION.application_uris`). */
export function cfAppUris(env: Env = process.env): string[] | undefined {
  const app = cfApplication(env);
  const uris = app?.application_uris ?? app?.uris;
  return Array.isArray(uris) ? uris.filter((u): u is string => typeof u === 'string') : undefined;
}

function cfApplication(env: Env): { application_name?: string; application_uris?: unknown; uris?: unknown } | undefined {
  if (!env.VCAP_APPLICATION) return undefined;
  try {
    return JSON.parse(env.VCAP_APPLICATION) as { application_name?: string };
  } catch {
    return undefined;
  }
}

function redisUrl(c: RedisCredentials): string | undefined {
  const given = c.uri ?? c.url;
  if (given) return given;
  const host = c.hostname ?? c.host;
  if (!host) return undefined;
  const auth = c.password ? `${encodeURIComponent(c.username ?? '')}:${encodeURIComponent(c.password)}@` : '';
  return `${c.tls ? 'rediss' : 'redis'}://${auth}${host}:${c.port ?? 6379}`;
}

function namespaceFor(url: string, uniqueName: string): string | undefined {
  if (/^rediss?:/.test(url)) return `features-${uniqueName}`;
  if (/^postgres(ql)?:/.test(url)) return `features_${uniqueName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  return undefined;
}
