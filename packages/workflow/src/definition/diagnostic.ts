import { formatDiagnostic, isValidationError, ValidationError, type Diagnostic } from '@switchyard/core';

/**
 * One problem in a workflow definition: core's `Diagnostic` (the type manifests use too).
 * `line`/`column` are 0 for code-defined workflows; `path` is the location inside the workflow,
 * e.g. `steps[1].url`.
 * @deprecated Use `Diagnostic` from `@switchyard/core`.
 */
export type WorkflowDiagnostic = Diagnostic;

/**
 * `file:line:col path: message`.
 * @deprecated Use `formatDiagnostic` from `@switchyard/core`.
 */
export const formatWorkflowDiagnostic: (d: Diagnostic) => string = formatDiagnostic;

/** Workflow definitions were refused; nothing was registered. Rendered as HTTP 422, CLI exit 1. */
export class WorkflowDefinitionError extends ValidationError {
  override readonly name = 'WorkflowDefinitionError';
  constructor(readonly diagnostics: Diagnostic[]) {
    super(
      diagnostics.map((d) => ({ path: [d.file, ...(d.path ? [d.path] : [])], message: d.message })),
      `invalid workflow definition${diagnostics.length === 1 ? '' : 's'}:\n${diagnostics.map(formatDiagnostic).join('\n')}`,
    );
  }
}

const PLAIN = /^[A-Za-z0-9_\-/:$.]+$/;

/** `steps[1].headers.authorization` from its segments. */
export function formatDefinitionPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (PLAIN.test(part) && !part.includes('.')) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/**
 * A `WorkflowDefinitionError` from any copy of this package (its other module format included):
 * a validation error that carries workflow diagnostics. Use it instead of `instanceof`.
 */
export function isWorkflowDefinitionError(err: unknown): err is WorkflowDefinitionError {
  return isValidationError(err) && Array.isArray((err as { diagnostics?: unknown }).diagnostics);
}
