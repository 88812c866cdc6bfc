import { isPlainObject } from './document-result';
import type { ManifestFormat } from './types';

/**
 * A document is native when its root is a mapping with the key `switchyard` (the format version);
 * any other document is Featuris. `switchyard` is therefore not a usable Featuris feature id.
 */
export function detectFormat(root: unknown): ManifestFormat {
  return isPlainObject(root) && Object.prototype.hasOwnProperty.call(root, 'switchyard') ? 'native' : 'featuris';
}
