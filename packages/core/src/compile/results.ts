import type { ErrorCode, EvaluationDetails, EvaluationMetadata, Reason } from '../types/evaluation';
import type { FlagValue } from '../types/values';

const EMPTY_METADATA: EvaluationMetadata = Object.freeze({});

/**
 * A frozen result, built once at compile time and returned as-is on every evaluation,
 * so deciding a value allocates nothing.
 */
export function result(
  key: string,
  value: FlagValue | undefined,
  reason: Reason,
  metadata: EvaluationMetadata,
  variant?: string,
  errorCode?: ErrorCode,
  errorMessage?: string,
): EvaluationDetails {
  const out: { -readonly [K in keyof EvaluationDetails]: EvaluationDetails[K] } = {
    key,
    value: value as FlagValue,
    reason,
    metadata,
  };
  if (variant !== undefined) out.variant = variant;
  if (errorCode !== undefined) out.errorCode = errorCode;
  if (errorMessage !== undefined) out.errorMessage = errorMessage;
  if (value !== null && typeof value === 'object') deepFreeze(value);
  return Object.freeze(out);
}

/** Metadata with extra entries; shares the empty object when there is nothing to say. */
export function withMetadata(base: EvaluationMetadata, extra: Record<string, string | number | boolean | undefined>): EvaluationMetadata {
  const entries = Object.entries(extra).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return base;
  return Object.freeze({ ...base, ...(Object.fromEntries(entries) as Record<string, string | number | boolean>) });
}

export { EMPTY_METADATA };

function deepFreeze(value: object): void {
  if (Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value) as unknown[]) if (v !== null && typeof v === 'object') deepFreeze(v);
}
