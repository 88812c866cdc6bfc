import { ValidationError, type ValidationIssue } from '../errors/store-errors';
import type { FlagDefinition } from '../types/flag';
import { flagDefinitionSchema } from './definition-schema';

/** Every problem with a candidate definition, with paths inside it; empty when valid. */
export function definitionIssues(input: unknown): ValidationIssue[] {
  const result = flagDefinitionSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message }));
}

/** Validates and returns a definition; throws `ValidationError` listing every problem. */
export function parseDefinition(input: unknown): FlagDefinition {
  const result = flagDefinitionSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message })),
  );
}
