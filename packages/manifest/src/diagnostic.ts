/**
 * Manifest diagnostics are core's `Diagnostic`: one type and one renderer for manifests and
 * workflow definitions alike. Re-exported here so `@switchyard/manifest` keeps its API.
 */
export { formatDiagnostic, formatDocumentPath, compareDiagnostics, diagnosticJson, renderDiagnostics } from '@switchyard/core';
export type { Diagnostic, DiagnosticCode, DiagnosticSeverity } from '@switchyard/core';
