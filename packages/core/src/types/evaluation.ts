import type { FlagValue } from './values';

/** Why a value was served. Open-ended like OpenFeature's reasons; these are the ones the engine uses. */
export type Reason =
  | 'STATIC'
  | 'DEFAULT'
  | 'TARGETING_MATCH'
  | 'SPLIT'
  | 'DISABLED'
  | 'ERROR'
  | 'SCHEDULE'
  | 'SCOPED'
  | 'PREREQUISITE_FAILED'
  /** An acceptance rule names a source this engine has no integration for: its "not accepted" value is served. */
  | 'DISABLED_INTEGRATION';

/** OpenFeature's error codes. */
export type ErrorCode =
  | 'FLAG_NOT_FOUND'
  | 'TYPE_MISMATCH'
  | 'PARSE_ERROR'
  | 'TARGETING_KEY_MISSING'
  | 'INVALID_CONTEXT'
  | 'GENERAL';

export type EvaluationMetadata = Readonly<Record<string, string | number | boolean>>;

/** The result of one evaluation. Evaluation never throws; failures come back with `reason: 'ERROR'`. */
export interface EvaluationDetails<T extends FlagValue | undefined = FlagValue> {
  readonly key: string;
  readonly value: T;
  readonly variant?: string;
  readonly reason: Reason;
  readonly errorCode?: ErrorCode;
  readonly errorMessage?: string;
  readonly metadata: EvaluationMetadata;
}
