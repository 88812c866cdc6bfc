import type { ErrorCode } from '../types/evaluation';

/** Base of the errors that map to an OpenFeature error code. Never thrown out of evaluation. */
export abstract class EvaluationError extends Error {
  abstract readonly code: ErrorCode;
}

export class FlagNotFoundError extends EvaluationError {
  override readonly name = 'FlagNotFoundError';
  readonly code = 'FLAG_NOT_FOUND' as const;
  constructor(readonly key: string) {
    super(`flag "${key}" not found`);
  }
}

export class TypeMismatchError extends EvaluationError {
  override readonly name = 'TypeMismatchError';
  readonly code = 'TYPE_MISMATCH' as const;
}

export class ParseError extends EvaluationError {
  override readonly name = 'ParseError';
  readonly code = 'PARSE_ERROR' as const;
}

export class TargetingKeyMissingError extends EvaluationError {
  override readonly name = 'TargetingKeyMissingError';
  readonly code = 'TARGETING_KEY_MISSING' as const;
}

export class InvalidContextError extends EvaluationError {
  override readonly name = 'InvalidContextError';
  readonly code = 'INVALID_CONTEXT' as const;
}

export class GeneralError extends EvaluationError {
  override readonly name = 'GeneralError';
  readonly code = 'GENERAL' as const;
}
