import type { FlagStore } from '@switchyard/core';

/**
 * Empties a backend through the store API: every flag, every key's maintained values (including
 * keys without a definition) and every stored feature result. Cache entries and audit entries stay.
 */
export async function resetThroughApi(store: FlagStore): Promise<void> {
  for (const flag of await store.listFlags()) await store.deleteFlag(flag.definition.key, { actor: 'conformance-reset' });
  const keys = Object.keys(await store.listValues());
  if (keys.length) {
    await store.setValues(
      keys.map((key) => ({ key, value: null, clearSubScopes: true, remoteOnly: true })),
      { actor: 'conformance-reset' },
    );
  }
  await store.purgeFeatures();
}
