import { isPlainObject } from '../document-result';

const FLAG_FIELDS = ['state', 'variants', 'defaultVariant'];

/**
 * True for a flagd flag-definition document: a `$schema` naming flagd, or a `flags` map whose every
 * entry carries `state`, `variants` or `defaultVariant` (flagd's testbed files have no `$schema`).
 */
export function isFlagdDocument(root: unknown): boolean {
  if (!isPlainObject(root) || Object.prototype.hasOwnProperty.call(root, 'switchyard')) return false;
  if (typeof root.$schema === 'string' && /flagd/i.test(root.$schema)) return true;
  const flags = root.flags;
  if (!isPlainObject(flags)) return false;
  const entries = Object.values(flags);
  if (entries.length === 0) return Object.prototype.hasOwnProperty.call(root, '$evaluators');
  return entries.every((f) => isPlainObject(f) && FLAG_FIELDS.some((k) => Object.prototype.hasOwnProperty.call(f, k)));
}
