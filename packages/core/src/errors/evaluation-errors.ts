import type { ErrorCode } from '../types/evaluation';

/** Base of the errors that map to an OpenFeature error code. Never thrown out of evaluation. */
export abstract class EvaluationError extends Error {
  abstract readonly code: ErrorCode;
}

/** A concrete {@link EvaluationError} class with a fixed `name` and `code`. */
function evaluationError<const N extends string, const C extends ErrorCode>(name: N, code: C) {
  return class extends EvaluationError {
    override readonly name: N = name;
    readonly code: C = code;
  };
}

export class FlagNotFoundError extends evaluationError('FlagNotFoundError', 'FLAG_NOT_FOUND') {
  constructor(readonly key: string) {
    super(`flag "${key}" not found`);
  }
}

export class TypeMismatchError extends evaluationError('TypeMismatchError', 'TYPE_MISMATCH') {}

export class ParseError extends evaluationError('ParseError', 'PARSE_ERROR') {}

export class TargetingKeyMissingError extends evaluationError('TargetingKeyMissingError', 'TARGETING_KEY_MISSING') {}

export class InvalidContextError extends evaluationError('InvalidContextError', 'INVALID_CONTEXT') {}

export class GeneralError extends evaluationError('GeneralError', 'GENERAL') {}
