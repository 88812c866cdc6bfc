import { isPlainObject } from './document-result';
import { isFlagdDocument } from './flagd/detect-flagd';
import type { ManifestFormat } from './types';

/**
 * A document is native when its root is a mapping with the key `switchyard` (the format version);
 * a flagd document (see `isFlagdDocument`) is flagd; any other document is Featuris. `switchyard` is therefore not a usable Featuris feature id.
 */
export function detectFormat(root: unknown): ManifestFormat {
  if (isFlagdDocument(root)) return 'flagd';
  return isPlainObject(root) && Object.prototype.hasOwnProperty.call(root, 'switchyard') ? 'native' : 'featuris';
}
