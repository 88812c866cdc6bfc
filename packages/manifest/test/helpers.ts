import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine } from '@switchyard/core';
import type { EvaluationContext } from '@switchyard/core';
import { expect } from 'vitest';
import { formatDiagnostic, parseManifest } from '../src/index';
import type { ParsedManifest } from '../src/index';

export const examplesDir = fileURLToPath(new URL('../../../examples/manifests/', import.meta.url));

export function readExample(file: string): string {
  return readFileSync(`${examplesDir}${file}`, 'utf8');
}

/** Parses text that must be valid, failing with the formatted diagnostics otherwise. */
export function parseValid(text: string, file = 'test.yaml'): ParsedManifest {
  const result = parseManifest(text, { file });
  expect(result.errors.map(formatDiagnostic)).toEqual([]);
  return result;
}

/** Milliseconds of a UTC wall time `YYYY-MM-DD HH:mm:ss`. */
export function utc(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

/** Loads a parsed manifest into a fresh engine and returns an evaluator for one environment and time. */
export function evaluator(manifest: Pick<ParsedManifest, 'definitions' | 'values'>, now = utc('2024-06-01 12:00:00')) {
  let clock = now;
  const engine = createEngine({ clock: () => clock });
  engine.load({ definitions: manifest.definitions, values: manifest.values });
  return {
    engine,
    at(time: number) {
      clock = time;
    },
    value(key: string, environment: string | undefined, context?: EvaluationContext) {
      return engine.evaluate(key, context, environment === undefined ? {} : { environment }).value;
    },
    details(key: string, environment: string | undefined, context?: EvaluationContext) {
      return engine.evaluate(key, context, environment === undefined ? {} : { environment });
    },
  };
}
