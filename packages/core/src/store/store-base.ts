import type { JsonValue } from '../types/values';
import type { StoreListener } from './change-feed';
import type { FeatureCache, FeatureValueOptions } from './feature-cache';
import type { StoreKit } from './store-kit';

/**
 * A base for adapters that keep their feature results and cache in a separate `FeatureCache`
 * object (its own tables or keys) and their change feed in a `StoreKit`: it forwards those members,
 * so the adapter class holds flags, values, audit and its connection handling only.
 */
export abstract class StoreBase {
  /** The adapter's kit: change feed, operation tracking, close. */
  protected abstract readonly kit: StoreKit;
  /** Where feature results and cache entries live. */
  protected abstract readonly featureCache: FeatureCache;

  subscribe(listener: StoreListener): () => void {
    return this.kit.subscribe(listener);
  }

  getFeatureValues(feature: string, scopeIds: string[]): Promise<Map<string, JsonValue>> {
    return this.featureCache.getFeatureValues(feature, scopeIds);
  }
  setFeatureValue(feature: string, scopeId: string, value: JsonValue, options?: FeatureValueOptions): Promise<JsonValue> {
    return this.featureCache.setFeatureValue(feature, scopeId, value, options);
  }
  updateFeatureValues(feature: string, value: JsonValue): Promise<number> {
    return this.featureCache.updateFeatureValues(feature, value);
  }
  deleteFeatureValue(feature: string, scopeId: string): Promise<void> {
    return this.featureCache.deleteFeatureValue(feature, scopeId);
  }
  purgeFeatures(features?: string[]): Promise<number> {
    return this.featureCache.purgeFeatures(features);
  }
  listFeatures(): Promise<string[]> {
    return this.featureCache.listFeatures();
  }
  cacheGet(key: string): Promise<JsonValue | undefined> {
    return this.featureCache.cacheGet(key);
  }
  cacheSet(key: string, value: JsonValue, ttlMs?: number): Promise<void> {
    return this.featureCache.cacheSet(key, value, ttlMs);
  }
  cacheDelete(key: string): Promise<void> {
    return this.featureCache.cacheDelete(key);
  }
}
