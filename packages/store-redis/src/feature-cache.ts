import { checkFeatureArgs, checkFeatureNames, checkKey, checkTtl, toJson, type FeatureCache, type FeatureValueOptions, type JsonValue, type StoreKit } from '@switchyard/core';
import type { Script } from './connection';
import { scripts } from './scripts';

/** What the feature keys need from the store. */
export interface FeatureKeysContext {
  kit: StoreKit;
  /** The key prefix. */
  prefix: string;
  cmd<T>(command: string[]): Promise<T>;
  script<T>(script: Script, args: string[]): Promise<T>;
}

/** Feature results (`{prefix}:features:{feature}` hashes) and the TTL cache (`{prefix}:cache:{key}`) on Redis. */
export class RedisFeatureCache implements FeatureCache {
  constructor(private readonly ctx: FeatureKeysContext) {}

  getFeatureValues(feature: string, scopeIds: string[]): Promise<Map<string, JsonValue>> {
    return this.ctx.kit.featureValues(feature, scopeIds, async (out) => {
      const raw = await this.ctx.cmd<(string | null)[]>(['HMGET', `${this.ctx.prefix}:features:${feature}`, ...scopeIds]);
      for (const [i, text] of raw.entries()) if (text !== null) out.set(scopeIds[i]!, JSON.parse(text) as JsonValue);
    });
  }

  setFeatureValue(feature: string, scopeId: string, value: JsonValue, options: FeatureValueOptions = {}): Promise<JsonValue> {
    const { kit } = this.ctx;
    return kit.op('setFeatureValue', async () => {
      checkFeatureArgs(feature, [scopeId]);
      const json = toJson(value, 'value');
      const [wrote, stored] = await this.ctx.script<[number, string?]>(scripts.setFeature, [
        feature,
        scopeId,
        json,
        options.onlyIfAbsent ? '1' : '0',
        JSON.stringify(kit.change('features', [feature])),
      ]);
      if (wrote !== 1) return JSON.parse(stored ?? 'null') as JsonValue;
      kit.committed('features', [feature]);
      return value;
    });
  }

  updateFeatureValues(feature: string, value: JsonValue): Promise<number> {
    const { kit } = this.ctx;
    return kit.op('updateFeatureValues', async () => {
      checkFeatureArgs(feature, []);
      const n = await this.ctx.script<number>(scripts.updateFeature, [feature, toJson(value, 'value'), JSON.stringify(kit.change('features', [feature]))]);
      if (n > 0) kit.committed('features', [feature]);
      return n;
    });
  }

  deleteFeatureValue(feature: string, scopeId: string): Promise<void> {
    const { kit } = this.ctx;
    return kit.op('deleteFeatureValue', async () => {
      checkFeatureArgs(feature, [scopeId]);
      const removed = await this.ctx.script<number>(scripts.deleteFeature, [feature, scopeId, JSON.stringify(kit.change('features', [feature]))]);
      if (removed > 0) kit.committed('features', [feature]);
    });
  }

  purgeFeatures(features?: string[]): Promise<number> {
    const { kit } = this.ctx;
    return kit.op('purgeFeatures', async () => {
      checkFeatureNames(features);
      if (features?.length === 0) return 0;
      const origin = kit.change('features', []).origin;
      const [total, ...purged] = await this.ctx.script<[number, ...string[]]>(scripts.purgeFeatures, [
        new Date().toISOString(),
        'system',
        origin,
        features ? '0' : '1',
        ...(features ?? []),
      ]);
      if (purged.length) kit.committed('features', purged);
      return total;
    });
  }

  listFeatures(): Promise<string[]> {
    return this.ctx.kit.op('listFeatures', async () => (await this.ctx.cmd<string[]>(['SMEMBERS', `${this.ctx.prefix}:features`])).sort(compare));
  }

  cacheGet(key: string): Promise<JsonValue | undefined> {
    return this.ctx.kit.op('cacheGet', async () => {
      checkKey(key);
      const raw = await this.ctx.cmd<string | null>(['GET', `${this.ctx.prefix}:cache:${key}`]);
      return raw === null ? undefined : (JSON.parse(raw) as JsonValue);
    });
  }

  cacheSet(key: string, value: JsonValue, ttlMs?: number): Promise<void> {
    return this.ctx.kit.op('cacheSet', async () => {
      checkKey(key);
      checkTtl(ttlMs);
      const command = ['SET', `${this.ctx.prefix}:cache:${key}`, toJson(value, 'value')];
      if (ttlMs !== undefined) command.push('PX', String(Math.ceil(ttlMs)));
      await this.ctx.cmd(command);
    });
  }

  cacheDelete(key: string): Promise<void> {
    return this.ctx.kit.op('cacheDelete', async () => {
      checkKey(key);
      await this.ctx.cmd(['DEL', `${this.ctx.prefix}:cache:${key}`]);
    });
  }
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
