import { isValidationError, type FlagStore, type StoreOptions } from '@switchyard/core';
import type { CommandContext } from '../context';
import type { CommandInput } from '../context';
import { usageError } from '../exit-error';
import type { Backend } from './backend';
import { HttpBackend } from './http-backend';
import { StoreBackend } from './store-backend';

export interface BackendOptions {
  store?: string;
  server?: string;
  apiKey?: string;
  /** Create a missing SQLite database (and its folder) instead of refusing the path. */
  create?: boolean;
}

/**
 * Picks `--store` or `--server`. An option given on the command line wins over one taken from
 * the environment; both on the command line is a usage error.
 */
export function chooseBackend(input: CommandInput<BackendOptions>): { kind: 'store'; url: string } | { kind: 'server'; url: string } | undefined {
  const { store, server } = input.options;
  if (store !== undefined && server !== undefined) {
    const storeCli = input.sources.store === 'cli';
    const serverCli = input.sources.server === 'cli';
    if (storeCli === serverCli) throw usageError('give either --store or --server, not both');
    return storeCli ? { kind: 'store', url: store } : { kind: 'server', url: server };
  }
  if (store !== undefined) return { kind: 'store', url: store };
  if (server !== undefined) return { kind: 'server', url: server };
  return undefined;
}

/** Adapter log lines (reconnects and the like) are noise for a one-shot command unless `--verbose`. */
function storeLogger(ctx: CommandContext): StoreOptions['logger'] {
  const line = (level: string) => (msg: string, data?: object) => {
    if (ctx.verbose) ctx.note(ctx.err.dim(`${level}: ${msg}${data ? ` ${JSON.stringify(data)}` : ''}`));
  };
  return { warn: line('warn'), error: line('error') };
}

export interface OpenStoreUrlOptions {
  migrate?: boolean;
  /** Create a missing SQLite database and its folder (`--create`); without it a missing file is a usage error naming the path. */
  create?: boolean;
}

/**
 * Opens a store by URL; the stores package (and its drivers) load only here. A `sqlite:` path that
 * names no database is refused (a typo would otherwise create an empty database, and its folders,
 * and show "no flags") unless `--create` is given; a created database is mentioned on stderr.
 */
export async function openStoreUrl(ctx: CommandContext, url: string, options: OpenStoreUrlOptions = {}): Promise<FlagStore> {
  const { openStore, parseStoreUrl } = await import('@switchyard/stores');
  try {
    parseStoreUrl(url);
  } catch (err) {
    throw usageError(`--store: ${err instanceof Error ? err.message : String(err)}`);
  }
  let store: FlagStore;
  try {
    store = await openStore(url, { migrate: options.migrate, create: options.create === true, logger: storeLogger(ctx) });
  } catch (err) {
    if (isValidationError(err) && err.issues[0]?.path[0] === 'url') throw usageError(`--store: ${err.message}; check the path, or pass --create to create it`);
    throw err;
  }
  const created = (store as { created?: unknown; path?: unknown }).created === true;
  if (created) ctx.note(ctx.err.dim(`created the SQLite database ${String((store as { path?: unknown }).path)}`));
  return store;
}

/** Opens the backend the options name, or fails with a usage error asking for one. */
export async function openBackend(ctx: CommandContext, input: CommandInput<BackendOptions>): Promise<Backend> {
  const choice = chooseBackend(input);
  if (!choice) throw usageError('no store or server given: pass --store URL or --server URL (or set SWITCHYARD_STORE / SWITCHYARD_SERVER)');
  if (choice.kind === 'server') return new HttpBackend(choice.url, input.options.apiKey);
  return new StoreBackend(await openStoreUrl(ctx, choice.url, { create: input.options.create }), choice.url);
}

/** Runs `task` with an open backend and always closes it. */
export async function withBackend<T>(ctx: CommandContext, input: CommandInput<BackendOptions>, task: (backend: Backend) => Promise<T>): Promise<T> {
  const backend = await openBackend(ctx, input);
  try {
    return await task(backend);
  } finally {
    await backend.close().catch(() => undefined);
  }
}

/** Runs `task` with a store opened from `--store` (required). */
export async function withStore<T>(
  ctx: CommandContext,
  url: string | undefined, task: (store: FlagStore, url: string) => Promise<T>, options: OpenStoreUrlOptions = {}): Promise<T> {
  if (!url) throw usageError('--store URL is required (or set SWITCHYARD_STORE)');
  const store = await openStoreUrl(ctx, url, options);
  try {
    return await task(store, url);
  } finally {
    await store.close().catch(() => undefined);
  }
}
