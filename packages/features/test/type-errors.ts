import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = path.resolve(fileURLToPath(new URL('../src/index.ts', import.meta.url)));

/**
 * Type-checks `file` strictly, as an application importing `@switchyard/features` would (resolved
 * to this package's sources), and returns its own errors as `line: message`.
 */
export function typeErrorsOf(file: string): string[] {
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['@switchyard/source'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    types: ['node'],
    typeRoots: [path.resolve(SRC, '../../../../node_modules/@types')],
    paths: { '@switchyard/features': [SRC] },
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => `${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}
