import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type EvaluationContext } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { importUnleash, unleashFlagKey } from '../src/index';

/**
 * Unleash's client specification (`@unleash/client-specification`, pinned in package.json): every
 * test file listed in its index, through the importer and the engine. Nothing is excluded.
 */
const require = createRequire(import.meta.url);
const root = path.dirname(require.resolve('@unleash/client-specification/package.json'));
const index = JSON.parse(readFileSync(path.join(root, 'specifications/index.json'), 'utf8')) as string[];

interface SpecTest {
  description: string;
  context: EvaluationContext;
  toggleName: string;
  expectedResult: unknown;
}
interface Spec {
  name: string;
  state: unknown;
  tests?: SpecTest[];
  variantTests?: SpecTest[];
}

function load(spec: Spec) {
  const imported = importUnleash(spec.state);
  expect(imported.notes.filter((n) => n.severity === 'error')).toEqual([]);
  const engine = createEngine();
  engine.load({ definitions: imported.definitions });
  const keyOf = (name: string) => imported.keys[name] ?? unleashFlagKey(name);
  return {
    isEnabled: (name: string, context: EvaluationContext) => engine.evaluate(keyOf(name), context).value === true,
    getVariant: (name: string, context: EvaluationContext) => {
      const r = engine.evaluate(keyOf(name), context);
      if (r.value !== true) return { name: 'disabled', enabled: false, feature_enabled: false };
      const out: Record<string, unknown> = { name: r.variant ?? 'disabled', enabled: r.metadata.variantEnabled === true, feature_enabled: true };
      if (r.metadata.payloadType !== undefined) out.payload = { type: r.metadata.payloadType, value: r.metadata.payloadValue };
      return out;
    },
  };
}

describe('Unleash client specification', () => {
  it('lists every specification file of the package', () => {
    expect(index.length).toBeGreaterThanOrEqual(22);
  });
  for (const file of index) {
    const spec = JSON.parse(readFileSync(path.join(root, 'specifications', file), 'utf8')) as Spec;
    describe(file, () => {
      const client = load(spec);
      for (const t of spec.tests ?? []) {
        it(`isEnabled: ${t.description}`, () => {
          expect(client.isEnabled(t.toggleName, t.context)).toBe(t.expectedResult);
        });
      }
      for (const t of spec.variantTests ?? []) {
        it(`getVariant: ${t.description}`, () => {
          const expected = { ...(t.expectedResult as Record<string, unknown>) };
          delete expected.featureEnabled;
          expect(client.getVariant(t.toggleName, t.context)).toEqual(expected);
        });
      }
    });
  }
});
