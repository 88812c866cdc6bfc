import type { EvaluationContext } from '../types/context';

function own(object: unknown, key: string): unknown {
  if (object === null || typeof object !== 'object' || !Object.prototype.hasOwnProperty.call(object, key)) return undefined;
  return (object as Record<string, unknown>)[key];
}

/**
 * A field of an Unleash context as Unleash reads it: the top-level field, else `properties.<field>`,
 * as text; `undefined` when absent or `null`. `userId` falls back to OpenFeature's `targetingKey`,
 * so contexts written for OpenFeature work unchanged.
 */
export function contextValue(context: EvaluationContext, field: string): string | undefined {
  let v = own(context, field);
  if (v === undefined || v === null) v = own(own(context, 'properties'), field);
  if ((v === undefined || v === null) && field === 'userId') v = own(context, 'targetingKey');
  if (v === undefined || v === null) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Unleash compares context fields as text: other values are coerced as JavaScript does
  return typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : String(v);
}
