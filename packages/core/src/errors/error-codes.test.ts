import { describe, expect, it } from 'vitest';
import { errorCodeOf, isConflictError, isStoreUnavailableError, isValidationError } from './error-codes';
import { ConflictError, StoreUnavailableError, ValidationError } from './store-errors';

/** What a second copy of this package (its other module format) throws: equal in shape, another class. */
class ForeignValidationError extends Error {
  readonly code = 'VALIDATION' as const;
  constructor(readonly issues: { path: (string | number)[]; message: string }[]) {
    super(issues.map((i) => i.message).join('; '));
    this.name = 'ValidationError';
  }
}

describe('errors are matched by code', () => {
  it('recognises errors from this copy and from a structurally equal foreign copy', () => {
    const foreign = new ForeignValidationError([{ path: ['x'], message: 'bad' }]);
    expect(foreign instanceof ValidationError).toBe(false);
    expect(isValidationError(foreign)).toBe(true);
    expect(isValidationError(new ValidationError([{ path: [], message: 'bad' }]))).toBe(true);
    expect(isConflictError(new ConflictError('k', 1, 2))).toBe(true);
    expect(isConflictError({ code: 'CONFLICT', message: 'stale' })).toBe(true);
    expect(isStoreUnavailableError(new StoreUnavailableError('down'))).toBe(true);
  });

  it('does not mistake other values for them', () => {
    expect(isValidationError({ code: 'VALIDATION' })).toBe(false); // no issues: not a ValidationError
    expect(isValidationError(new Error('VALIDATION'))).toBe(false);
    expect(errorCodeOf(null)).toBeUndefined();
    expect(errorCodeOf('VALIDATION')).toBeUndefined();
    expect(errorCodeOf({ code: 42 })).toBeUndefined();
  });
});
