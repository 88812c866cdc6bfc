// The scale fixture of the benchmarks: N flags in one native manifest, as a large estate looks —
// mostly booleans with per-environment values, 10 % with a two-condition targeting rule, 10 % with
// a 50/50 split sticky by user.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Condition, FlagDefinition, Rule } from '@switchyard/core';
import { exportManifest } from '../src/index';

/** A boolean flag whose one targeting rule serves `serve` to contexts matching every condition, `otherwise` to the rest. */
export function targetingFlag(key: string, all: Condition[], serve: Rule, otherwise?: Rule): FlagDefinition {
  return { key, type: 'boolean', fallbackValue: false, defaultRule: { type: 'targeting', rules: [{ when: { all }, serve }], ...(otherwise && { otherwise }) } };
}

/** The definitions of the fixture: `scale-000000` … in key order. */
export function scaleDefinitions(count: number): FlagDefinition[] {
  return Array.from({ length: count }, (_, i): FlagDefinition => {
    const key = `scale-${String(i).padStart(6, '0')}`;
    if (i % 10 === 1) {
      const conditions: Condition[] = [{ attribute: 'country', operator: 'in', value: ['DE', 'FR', 'NL'] }, { attribute: 'plan', operator: 'eq', value: 'pro' }];
      return targetingFlag(key, conditions, { type: 'static', value: true }, { type: 'static', value: false });
    }
    if (i % 10 === 2) {
      return { key, type: 'boolean', fallbackValue: false, defaultRule: { type: 'variant', variants: [{ value: true, weight: 50 }, { value: false, weight: 50 }], stickiness: 'userId' } };
    }
    return { key, type: 'boolean', fallbackValue: false, environments: { development: { type: 'static', value: true }, production: { type: 'static', value: i % 3 === 0 } } };
  });
}

/** Writes the fixture as `flags.yaml` (native YAML) into `dir` and returns the file's path. */
export function writeScaleManifest(dir: string, count: number): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'flags.yaml');
  writeFileSync(file, exportManifest(scaleDefinitions(count)));
  return file;
}
