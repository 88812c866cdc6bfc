import { ErrorCode, StandardResolutionReasons, type ResolutionDetails } from '@openfeature/server-sdk';
import type { ErrorCode as CoreErrorCode, EvaluationDetails, EvaluationMetadata, Reason } from '@switchyard/core';

/** Switchyard reasons as OpenFeature's standard reasons. The original is kept in `flagMetadata.switchyardReason` when it differs. */
export const REASON_MAP: Readonly<Record<Reason, string>> = Object.freeze({
  STATIC: StandardResolutionReasons.STATIC,
  DEFAULT: StandardResolutionReasons.DEFAULT,
  TARGETING_MATCH: StandardResolutionReasons.TARGETING_MATCH,
  SPLIT: StandardResolutionReasons.SPLIT,
  DISABLED: StandardResolutionReasons.DISABLED,
  ERROR: StandardResolutionReasons.ERROR,
  // A time window decided: a dynamic evaluation.
  SCHEDULE: StandardResolutionReasons.TARGETING_MATCH,
  // A value maintained for the caller's scope (user, tenant): targeting by scope.
  SCOPED: StandardResolutionReasons.TARGETING_MATCH,
  // A prerequisite flag was not met, so the configured fallback was served.
  PREREQUISITE_FAILED: StandardResolutionReasons.DEFAULT,
  // An acceptance rule's source is not configured: its "not accepted" value was served.
  DISABLED_INTEGRATION: StandardResolutionReasons.DEFAULT,
});

/** Switchyard error codes as OpenFeature's (the same names; spelled out so a divergence fails to compile). */
export const ERROR_CODE_MAP: Readonly<Record<CoreErrorCode, ErrorCode>> = Object.freeze({
  FLAG_NOT_FOUND: ErrorCode.FLAG_NOT_FOUND,
  TYPE_MISMATCH: ErrorCode.TYPE_MISMATCH,
  PARSE_ERROR: ErrorCode.PARSE_ERROR,
  TARGETING_KEY_MISSING: ErrorCode.TARGETING_KEY_MISSING,
  INVALID_CONTEXT: ErrorCode.INVALID_CONTEXT,
  GENERAL: ErrorCode.GENERAL,
});

// Results and their metadata are built once per compiled flag and reused, so the metadata with the
// original reason is built once per (metadata, reason) too: evaluation stays allocation-light.
const withReason = new WeakMap<EvaluationMetadata, Map<Reason, EvaluationMetadata>>();

function metadataFor(metadata: EvaluationMetadata, reason: Reason): EvaluationMetadata {
  let byReason = withReason.get(metadata);
  if (!byReason) withReason.set(metadata, (byReason = new Map<Reason, EvaluationMetadata>()));
  let out = byReason.get(reason);
  if (!out) byReason.set(reason, (out = Object.freeze({ ...metadata, switchyardReason: reason })));
  return out;
}

/** An engine result in OpenFeature's shape. */
export function toResolution<T>(details: EvaluationDetails<T & EvaluationDetails['value']>): ResolutionDetails<T> {
  const reason = REASON_MAP[details.reason] ?? details.reason;
  const out: ResolutionDetails<T> = {
    value: details.value,
    reason,
    flagMetadata: reason === details.reason ? details.metadata : metadataFor(details.metadata, details.reason),
  };
  if (details.variant !== undefined) out.variant = details.variant;
  if (details.errorCode !== undefined) {
    out.errorCode = ERROR_CODE_MAP[details.errorCode] ?? ErrorCode.GENERAL;
    if (details.errorMessage !== undefined) out.errorMessage = details.errorMessage;
  }
  return out;
}

/** A resolution for a failure outside the engine (which never throws; this is a last line of defence). */
export function failedResolution<T>(value: T, err: unknown): ResolutionDetails<T> {
  return {
    value,
    reason: StandardResolutionReasons.ERROR,
    errorCode: ErrorCode.GENERAL,
    errorMessage: err instanceof Error ? err.message : String(err),
  };
}
