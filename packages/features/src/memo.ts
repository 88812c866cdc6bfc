import type { JsonValue } from '@switchyard/core';

/** Resolved values already read in this view, by feature then scope id. JSON values are never `undefined`. */
export class Memo {
  private readonly byFeature = new Map<string, Map<string, JsonValue>>();

  get(feature: string, scopeId: string): JsonValue | undefined {
    return this.byFeature.get(feature)?.get(scopeId);
  }

  set(feature: string, scopeId: string, value: JsonValue): void {
    let values = this.byFeature.get(feature);
    if (!values) this.byFeature.set(feature, (values = new Map<string, JsonValue>()));
    values.set(scopeId, value);
  }

  delete(feature: string, scopeId: string): void {
    this.byFeature.get(feature)?.delete(scopeId);
  }

  dropFeatures(features: Iterable<string>): void {
    for (const f of features) this.byFeature.delete(f);
  }

  clear(): void {
    this.byFeature.clear();
  }
}
