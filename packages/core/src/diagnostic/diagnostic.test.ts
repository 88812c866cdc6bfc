import { describe, expect, it } from 'vitest';
import { compareDiagnostics, diagnosticJson, formatDiagnostic, renderDiagnostics, summarizeDiagnostics, type Diagnostic } from './diagnostic';

const at = (over: Partial<Diagnostic>): Diagnostic => ({ file: 'flags.yaml', line: 3, column: 5, path: 'checkout.production', message: 'expected a boolean', severity: 'error', code: 'type-mismatch', ...over });

describe('formatDiagnostic', () => {
  it('prints file:line:col path: message, without a path or a position when there is none, and a hint last', () => {
    expect(formatDiagnostic(at({}))).toBe('flags.yaml:3:5 checkout.production: expected a boolean');
    expect(formatDiagnostic(at({ path: '' }))).toBe('flags.yaml:3:5: expected a boolean');
    expect(formatDiagnostic(at({ line: 0, column: 0, path: '' }))).toBe('flags.yaml: expected a boolean');
    expect(formatDiagnostic(at({ hint: 'write true or false' }))).toBe('flags.yaml:3:5 checkout.production: expected a boolean (write true or false)');
  });
});

describe('renderDiagnostics', () => {
  it('prefixes warnings only', () => {
    const lines = renderDiagnostics([at({}), at({ severity: 'warning', message: 'unused' })], { warningPrefix: 'WARN' });
    expect(lines).toEqual(['flags.yaml:3:5 checkout.production: expected a boolean', 'WARN flags.yaml:3:5 checkout.production: unused']);
  });
});

describe('diagnosticJson', () => {
  it('has the same keys in the same order whatever order they were given in, and a hint only when there is one', () => {
    const shuffled = { code: 'syntax', severity: 'error', message: 'm', path: '', column: 1, line: 1, file: 'a.yaml' } as Diagnostic;
    expect(JSON.stringify(diagnosticJson(shuffled))).toBe('{"file":"a.yaml","line":1,"column":1,"path":"","message":"m","severity":"error","code":"syntax"}');
    expect(Object.keys(diagnosticJson(at({ hint: 'h' }))).at(-1)).toBe('hint');
  });
});

describe('compareDiagnostics and summarizeDiagnostics', () => {
  it('orders by file, then line and column', () => {
    const list = [at({ file: 'b.yaml' }), at({ line: 9 }), at({ line: 3, column: 1 })];
    expect(list.sort(compareDiagnostics).map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual(['b.yaml:3:5', 'flags.yaml:3:1', 'flags.yaml:9:5']);
  });

  it('names the first problem and counts the rest', () => {
    expect(summarizeDiagnostics('manifests in m are invalid', ['one'])).toBe('manifests in m are invalid: one');
    expect(summarizeDiagnostics('manifests in m are invalid', ['one', 'two'])).toBe('manifests in m are invalid: one (and 1 more problem)');
    expect(summarizeDiagnostics('manifests in m are invalid', ['one', 'two', 'three'])).toBe('manifests in m are invalid: one (and 2 more problems)');
    expect(summarizeDiagnostics('workflows in w are invalid', ['one', 'two', 'three'], '')).toBe('workflows in w are invalid: one (and 2 more)');
  });
});
