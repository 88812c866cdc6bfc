import type { FlagDefinition, FlagStore, StoredFlag } from '@switchyard/core';
import { redactUrl } from '@switchyard/stores';
import type { Backend, FlagEntry, FlagListOptions, PurgeOptions, WriteOptions } from './backend';

function entry(flag: StoredFlag): FlagEntry {
  return { ...flag, source: 'store', readOnly: false };
}

/** A `Backend` over a store opened in this process. */
export class StoreBackend implements Backend {
  readonly label: string;

  constructor(
    readonly store: FlagStore,
    url: string,
  ) {
    this.label = redactUrl(url);
  }

  async listFlags(options: FlagListOptions = {}): Promise<FlagEntry[]> {
    return (await this.store.listFlags(options)).map(entry);
  }

  async getFlag(key: string): Promise<FlagEntry | undefined> {
    const flag = await this.store.getFlag(key);
    return flag && entry(flag);
  }

  async upsertFlag(definition: FlagDefinition, options: WriteOptions = {}): Promise<FlagEntry> {
    return entry(await this.store.upsertFlag(definition, options));
  }

  deleteFlag(key: string, options: WriteOptions = {}): Promise<boolean> {
    return this.store.deleteFlag(key, options);
  }

  listValues() {
    return this.store.listValues();
  }

  setValues(updates: Parameters<Backend['setValues']>[0], options: { actor?: string } = {}): Promise<void> {
    return this.store.setValues(updates, options);
  }

  listFeatures(): Promise<string[]> {
    return this.store.listFeatures();
  }

  async purgeFeatures(options: PurgeOptions): Promise<number> {
    if (!options.except?.length) return this.store.purgeFeatures(options.features);
    const except = new Set(options.except);
    const chosen = (options.features ?? (await this.store.listFeatures())).filter((f) => !except.has(f));
    // An empty list would mean "every feature" to the store; here it means nothing is left to purge.
    return chosen.length ? this.store.purgeFeatures(chosen) : 0;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
