import { FeatureTogglesNotInitializedError } from './errors';
import type { FeatureToggles } from './feature-toggles';

// Kept on the global object: the plugin entry and the library entry are separate bundles, and
// both must see the one instance the plugin created.
const SLOT = Symbol.for('@switchyard/cds.toggles');
type Holder = { [SLOT]?: FeatureToggles };

/** The feature toggles the CAP plugin set up (`toggles().getFeatureValue(key, scopeMap)`); throws before the plugin activated. */
export function toggles(): FeatureToggles {
  const current = (globalThis as Holder)[SLOT];
  if (!current) throw new FeatureTogglesNotInitializedError();
  return current;
}

/** True once the plugin (or `setToggles`) made toggles available. */
export function hasToggles(): boolean {
  return (globalThis as Holder)[SLOT] !== undefined;
}

/** Makes `toggles` available to `toggles()` (the plugin does this when the app is served); `undefined` clears it. */
export function setToggles(instance: FeatureToggles | undefined): void {
  if (instance) (globalThis as Holder)[SLOT] = instance;
  else delete (globalThis as Holder)[SLOT];
}
