import type { FlagDefinition, ValidationIssue, ValidatorRegistry } from '@switchyard/core';

/**
 * Problems with the custom validations of a definition written through the API: a validator
 * module would load code from a path given over HTTP, so modules are for manifest files only; a
 * named validator must be registered here, or every write of a value would be refused.
 */
export function customValidationIssues(definition: FlagDefinition, registry: ValidatorRegistry): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  (definition.validations ?? []).forEach((v, i) => {
    if ('module' in v) {
      issues.push({
        path: ['validations', i, 'module'],
        message: 'validator modules can only be declared in manifest files; register a function with registerValidator(name, fn) and use { validator: name }',
      });
    } else if ('validator' in v && !registry.has(v.validator)) {
      issues.push({ path: ['validations', i, 'validator'], message: `validator "${v.validator}" is not registered on this server` });
    }
  });
  return issues;
}
