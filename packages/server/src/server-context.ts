import { StoreUnavailableError, validateValueUpdatesAsync, type Engine, type EngineSync, type FlagDefinition, type FlagStore, type ValueUpdate } from '@switchyard/core';
import type { Logger } from 'pino';
import type { Authenticator } from './auth/authenticator';
import type { OperationRegistry } from './http/operations';
import type { ChangeFeed } from './live/change-feed';
import type { ServerMetrics } from './observability/metrics';
import type { RedisCommandPolicy } from './security/redis-commands';
import type { SyncTracker } from './runtime/sync-tracker';

/** What every route module works with. */
export interface ServerContext {
  engine: Engine;
  store: FlagStore;
  sync: EngineSync | undefined;
  tracker: SyncTracker | undefined;
  auth: Authenticator;
  metrics: ServerMetrics;
  logger: Logger;
  feed: ChangeFeed;
  operations: OperationRegistry;
  /** Which raw commands `redisSendCommand` may pass to Redis. */
  redisCommands: RedisCommandPolicy;
  /** Default environment for evaluations that name none. */
  environment: string | undefined;
  info: ServerInfo;
  /** Longest a write may wait for the store before answering 503; `0` waits as long as the store does. */
  writeTimeoutMs: number;
}

export interface ServerInfo {
  /** Store URL without credentials. */
  storeUrl: string;
  manifests: string | undefined;
  startedAt: string;
  version: string;
}

/** True when `key` is defined by a manifest (or code): such flags cannot be changed through the API. */
export function isBaseKey(ctx: ServerContext, key: string): boolean {
  if (ctx.sync) return ctx.sync.baseKeys().has(key);
  const kind = ctx.engine.get(key)?.source?.kind;
  return kind === 'manifest' || kind === 'code';
}

/** The base (manifest) definition of a key. */
export function baseDefinition(ctx: ServerContext, key: string): FlagDefinition | undefined {
  if (ctx.sync) return ctx.sync.baseDefinition(key);
  return isBaseKey(ctx, key) ? ctx.engine.get(key) : undefined;
}

/**
 * The refusal of a write to a flag defined by a manifest (or code), naming where it is defined so
 * the caller knows what to edit instead.
 */
export function readOnlyMessage(ctx: ServerContext, key: string, action: 'changed' | 'deleted'): string {
  const source = baseDefinition(ctx, key)?.source;
  if (source?.kind === 'manifest' && source.file) {
    const at = source.line ? `${source.file}:${source.line}:${source.column ?? 1}` : source.file;
    return `flag "${key}" is defined by the manifest ${at} and cannot be ${action} through the API; edit that file`;
  }
  return `flag "${key}" is defined ${source?.kind === 'code' ? 'in code' : 'by a manifest'} and cannot be ${action} through the API`;
}

/**
 * Runs a store write and waits until the engine reflects it, so a following read sees it. A store
 * that does not answer within `ctx.writeTimeoutMs` (a hung backend) fails the request with
 * `StoreUnavailableError` (503) instead of holding it open.
 */
export function writeAndSync<T>(ctx: ServerContext, keys: readonly string[], write: () => Promise<T>, changed?: (result: T) => boolean): Promise<T> {
  const bounded = ctx.writeTimeoutMs > 0 ? () => withTimeout(write(), ctx.writeTimeoutMs) : write;
  return ctx.tracker ? ctx.tracker.write(keys, bounded, changed) : bounded();
}

/**
 * Validates and writes maintained values, as every route does: type, regex, scopes and custom
 * validators (awaited, outside the write timeout, and run once: the store repeats only the built-in
 * checks), then the write, which changes exactly the (key, scope) pairs it names; removing a value
 * a manifest seeded is recorded so it stays removed on every instance.
 */
export async function writeValues(ctx: ServerContext, updates: ValueUpdate[], actor: string | undefined): Promise<void> {
  const definitionOf = (key: string) => ctx.engine.get(key);
  const validators = ctx.engine.valueValidators;
  await validateValueUpdatesAsync(updates, definitionOf, validators);
  const keys = [...new Set(updates.map((u) => u.key))];
  await writeAndSync(ctx, keys, () =>
    ctx.store.setValues(updates, { actor, definitionOf, seededValuesOf: (key) => ctx.sync?.seededValues(key), validators, skipCustomValidators: true }),
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`the store did not answer within ${ms} ms; the write was not confirmed`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
