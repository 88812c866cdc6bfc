import { StoreUnavailableError, ValidationError } from '@switchyard/core';
import type { FlagStore, StoreOptions } from '@switchyard/core';
import { redactUrl } from './redact';
import { ADAPTERS, supportedSchemesText } from './schemes';

/** The embedded default: a SQLite file under `./data`, created on first use. */
export const DEFAULT_STORE_URL = 'sqlite:./data/switchyard.db';

/** Query parameters every store URL accepts: audit retention and the backend call timeout (ms). */
const GENERIC_PARAMS = ['auditMaxEntries', 'timeoutMs'] as const;
const MAX_PARAM = 2 ** 31 - 1;

export interface OpenStoreOptions extends StoreOptions {
  /** Apply pending migrations before resolving. Default `true`. */
  migrate?: boolean;
}

/** Parses a store URL, refusing malformed ones and unknown schemes with a `ValidationError` that lists the supported ones. */
export function parseStoreUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    const hint = typeof url === 'string' && !url.includes(':') ? ` (for a SQLite file write sqlite:${url})` : '';
    throw urlError(`"${redactUrl(String(url))}" is not a valid store URL${hint}; supported: ${supportedSchemesText()}`);
  }
  if (!Object.hasOwn(ADAPTERS, parsed.protocol)) {
    throw urlError(`unsupported store URL scheme "${parsed.protocol}" in ${redactUrl(parsed)}; supported: ${supportedSchemesText()}`);
  }
  return parsed;
}

/**
 * Opens the store a URL names: `memory:`, `memory:NAME`, `sqlite:PATH` (relative to the working
 * directory), `sqlite:///ABSOLUTE/PATH`, `sqlite::memory:`, `postgres://…`, `postgresql://…`,
 * `redis://…`, `rediss://…`; any of them takes `?auditMaxEntries=N` (audit retention) and
 * `?timeoutMs=N` (backend call timeout). Only the chosen adapter's package (and driver) is loaded.
 * Resolves once the store is migrated (unless `migrate: false`).
 */
export async function openStore(url: string | URL, options: OpenStoreOptions = {}): Promise<FlagStore> {
  const parsed = parseStoreUrl(url);
  const adapter = ADAPTERS[parsed.protocol]!;
  const { migrate = true, ...storeOptions } = options;
  // These parameters mean the same on every backend, so they are read here, not by each adapter.
  for (const name of GENERIC_PARAMS) {
    const raw = parsed.searchParams.get(name);
    if (raw === null) continue;
    // Timers cannot wait longer than 2^31 - 1 ms; larger numbers would silently become 1 ms.
    if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > MAX_PARAM) {
      throw urlError(`${name} must be a whole number from 1 to ${MAX_PARAM}, got "${raw}" in ${redactUrl(parsed)}`);
    }
    parsed.searchParams.delete(name);
    storeOptions[name] ??= Number(raw);
  }
  const mod = await adapter.load();
  if (typeof mod.storeFactory !== 'function') {
    throw new Error(`${adapter.packageName} does not export a storeFactory; cannot open ${redactUrl(parsed)}`);
  }
  const store = await mod.storeFactory(parsed, storeOptions);
  if (!migrate) return store;
  try {
    const failed = (await store.migrate()).find((r) => r.status === 'Error');
    if (failed) throw new StoreUnavailableError(`migration ${failed.migrationName} of ${redactUrl(parsed)} failed: ${failed.error ?? 'unknown error'}`);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}

function urlError(message: string): ValidationError {
  return new ValidationError([{ path: ['url'], message }], message);
}
