export {
  formatDiagnostic,
  compareDiagnostics,
  diagnosticJson,
  renderDiagnostics,
  summarizeDiagnostics,
  formatDocumentPath,
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticSeverity,
  type RenderDiagnosticsOptions,
} from './diagnostic';
