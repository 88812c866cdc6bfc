import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '@switchyard/core';
import type { EvaluationContext } from '@switchyard/core';
import { afterEach, beforeEach, expect } from 'vitest';
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

/**
 * A fresh temporary directory for every test, handed to `use` before the test and removed after
 * it, once what `openedIn` returns (the watcher or runtime the test opened in it) is closed.
 */
export function freshDirEachTest(prefix: string, use: (dir: string) => void, openedIn?: () => { close(): Promise<void> } | undefined): void {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
    use(dir);
  });
  afterEach(async () => {
    await openedIn?.()?.close();
    await rm(dir, { recursive: true, force: true });
  });
}
