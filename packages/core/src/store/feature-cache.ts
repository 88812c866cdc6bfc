import type { JsonValue } from '../types/values';

export interface FeatureValueOptions {
  /** Store only when nothing is stored yet; returns the value that is stored after the call. */
  onlyIfAbsent?: boolean;
}

/**
 * Resolved results of code-defined features per (feature, scope id), reported as `features`
 * changes, plus a small key-value area with expiry for caches (not reported, not audited).
 */
export interface FeatureCache {
  /** Per-(feature, scope) resolved values of code-defined features. */
  getFeatureValues(feature: string, scopeIds: string[]): Promise<Map<string, JsonValue>>;
  setFeatureValue(feature: string, scopeId: string, value: JsonValue, options?: FeatureValueOptions): Promise<JsonValue>;
  /** Set `value` for every scope that already has a stored result of `feature`. Returns how many. */
  updateFeatureValues(feature: string, value: JsonValue): Promise<number>;
  deleteFeatureValue(feature: string, scopeId: string): Promise<void>;
  /** Remove stored results of the given features, or of all features (audited as `feature.purge`). Returns how many were removed. */
  purgeFeatures(features?: string[]): Promise<number>;
  /** Names of features that have stored results, sorted. */
  listFeatures(): Promise<string[]>;

  /** Key-value area for caches; entries expire after `ttlMs`. */
  cacheGet(key: string): Promise<JsonValue | undefined>;
  cacheSet(key: string, value: JsonValue, ttlMs?: number): Promise<void>;
  cacheDelete(key: string): Promise<void>;
}
