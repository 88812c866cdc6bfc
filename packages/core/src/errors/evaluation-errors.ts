import type { ErrorCode } from '../types/evaluation';

/** Base of the errors that map to an OpenFeature error code. Never thrown out of evaluation. */
export abstract class EvaluationError extends Error {
  abstract readonly code: ErrorCode;
}

export class FlagNotFoundError extends EvaluationError {
  readonly code = 'FLAG_NOT_FOUND' as const;
  constructor(readonly key: string) {
    super(`flag "${key}" not found`);
    this.name = 'FlagNotFoundError';
  }
}

export class TypeMismatchError extends EvaluationError {
  readonly code = 'TYPE_MISMATCH' as const;
  constructor(message: string) {
    super(message);
    this.name = 'TypeMismatchError';
  }
}

export class ParseError extends EvaluationError {
  readonly code = 'PARSE_ERROR' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

export class TargetingKeyMissingError extends EvaluationError {
  readonly code = 'TARGETING_KEY_MISSING' as const;
  constructor(message: string) {
    super(message);
    this.name = 'TargetingKeyMissingError';
  }
}

export class InvalidContextError extends EvaluationError {
  readonly code = 'INVALID_CONTEXT' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidContextError';
  }
}

export class GeneralError extends EvaluationError {
  readonly code = 'GENERAL' as const;
  constructor(message: string) {
    super(message);
    this.name = 'GeneralError';
  }
}
