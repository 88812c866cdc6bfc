import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ValidationError } from '@switchyard/core';
import { createMemoryStore } from '@switchyard/store-memory';
import { waitFor } from '@switchyard/store-test-suite';
import { createFeatures, indexFeatures, type FeatureIndex } from '../src/index';
import { typeErrorsOf } from './type-errors';

const SRC = path.resolve(fileURLToPath(new URL('../src/index.ts', import.meta.url)));
const PACKAGE = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const BIN = path.resolve(fileURLToPath(new URL('../src/bin.ts', import.meta.url)));

function write(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function fixture(root: string): string {
  const dir = path.join(root, 'features');
  const lib = path.relative(dir, SRC).split(path.sep).join('/');
  write(
    path.join(dir, 'new_checkout_feature.ts'),
    `import { Feature } from '${lib}';
export default class NewCheckout extends Feature<{ id: number }> {
  async before() { if (process.env.KILL_NEW_CHECKOUT) return false; }
  async resolve(user: { id: number }) { return user.id % 2 === 0; }
}
`,
  );
  write(
    path.join(dir, 'checkout_color_feature.ts'),
    `import { Feature } from '${lib}';
export default class CheckoutColor extends Feature<{ id: number }> {
  async resolve(user: { id: number }): Promise<'blue' | 'green' | 'red'> { return (['blue', 'green', 'red'] as const)[user.id % 3]!; }
}
`,
  );
  write(
    path.join(dir, 'billing', 'new_invoice_feature.ts'),
    `import { defineFeature } from '../${lib}';
export default defineFeature('billing.new_invoice', (user: { id: number }) => user.id > 10);
`,
  );
  write(path.join(dir, 'billing', 'README.md'), '# not a feature\n');
  write(path.join(dir, 'helpers.ts'), 'export const x = 1;\n');
  return dir;
}

describe('indexFeatures', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'sy-index-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('indexes _feature files, names nested ones with dots, and writes a registry only when it changes', async () => {
    const dir = fixture(path.join(root, 'a'));
    const out = path.join(dir, 'registry.ts');
    const index = await indexFeatures({ dir, out });
    expect(index.written).toBe(true);
    expect(index.features.map((f) => [f.name, f.importPath])).toEqual([
      ['billing.new_invoice', './billing/new_invoice_feature.js'],
      ['checkout_color', './checkout_color_feature.js'],
      ['new_checkout', './new_checkout_feature.js'],
    ]);
    const source = readFileSync(out, 'utf8');
    expect(source).toContain(`import billingNewInvoiceFeature from "./billing/new_invoice_feature.js";`);
    expect(source).toContain(`  "billing.new_invoice": FeatureValueOf<typeof billingNewInvoiceFeature>;`);
    expect((await indexFeatures({ dir, out })).written).toBe(false);
    expect((await indexFeatures({ dir, out, importExtension: 'ts' })).features[0]!.importPath).toBe('./billing/new_invoice_feature.ts');
    expect((await indexFeatures({ dir, out, importExtension: 'none' })).features[0]!.importPath).toBe('./billing/new_invoice_feature');
  });

  test('the generated registry loads and resolves through createFeatures', async () => {
    const dir = fixture(path.join(root, 'b'));
    const out = path.join(dir, 'registry.ts');
    await indexFeatures({ dir, out });
    const registry = (await import(/* @vite-ignore */ out)) as { features: Record<string, never> };
    const features = createFeatures({ store: createMemoryStore(), features: registry.features });
    expect(features.defined().sort()).toEqual(['billing.new_invoice', 'checkout_color', 'new_checkout']);
    expect(await features.for({ id: 4, toFeatureIdentifier: () => 4 }).values()).toEqual({ 'billing.new_invoice': false, checkout_color: 'green', new_checkout: true });
  });

  test('the registry type-checks feature names and value types', async () => {
    const dir = fixture(path.join(root, 'c'));
    const out = path.join(dir, 'registry.ts');
    await indexFeatures({ dir, out });
    const usage = path.join(dir, 'usage.ts');
    write(
      usage,
      `import { createFeatures } from '@switchyard/features';
import { features, type FeatureRegistry } from './registry.js';
declare const store: Parameters<typeof createFeatures>[0]['store'];
const f = createFeatures<FeatureRegistry>({ store, features });
export async function ok(): Promise<void> {
  const color: 'blue' | 'green' | 'red' = await f.for(1).value('checkout_color');
  const on: boolean = await f.for(1).value('new_checkout');
  const invoice: boolean = await f.for(1).value('billing.new_invoice');
  const all = await f.for(1).values(['checkout_color', 'new_checkout']);
  const c: 'blue' | 'green' | 'red' = all.checkout_color;
  void [color, on, invoice, c, await f.for(1).isActive('billing.new_invoice')];
}
export async function bad(): Promise<void> {
  await f.for(1).isActive('missing_feature');
  const n: number = await f.for(1).value('checkout_color');
  void n;
}
`,
    );
    const messages = typeErrorsOf(usage);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe(`14: Argument of type '"missing_feature"' is not assignable to parameter of type 'Names<FeatureRegistry>'.`);
    expect(messages[1]).toMatch(/^15: Type '.*' is not assignable to type 'number'\./);
  }, 60_000);

  test('duplicate and invalid names are refused with every problem listed', async () => {
    const dir = path.join(root, 'd');
    write(path.join(dir, 'dup_feature.ts'), 'export default () => 1;\n');
    write(path.join(dir, 'dup_feature.js'), 'export default () => 1;\n');
    write(path.join(dir, 'bad name_feature.ts'), 'export default () => 1;\n');
    const err = await indexFeatures({ dir, out: path.join(dir, 'registry.ts') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues.map((i) => i.message)).toEqual([
      '"bad name_feature.ts" does not give a valid feature name; use letters, digits, _ and - in file and folder names',
      '"dup_feature.ts" and "dup_feature.js" both define the feature "dup"',
    ]);
    await expect(indexFeatures({ dir: path.join(root, 'missing'), out: path.join(root, 'r.ts') })).rejects.toThrow(/cannot read the features folder .*missing: ENOENT/);
  });

  test('watch mode rewrites the registry when feature files come and go', async () => {
    const dir = fixture(path.join(root, 'e'));
    const out = path.join(dir, 'registry.ts');
    const changes: FeatureIndex[] = [];
    const watcher = await indexFeatures({ dir, out, watch: true, onChange: (i) => changes.push(i) });
    try {
      expect(watcher.features).toHaveLength(3);
      write(path.join(dir, 'extra', 'thing_feature.ts'), 'export default () => true;\n');
      await waitFor(() => changes.length === 1, { timeoutMs: 10_000 });
      expect(changes[0]!.features.map((f) => f.name)).toContain('extra.thing');
      expect(readFileSync(out, 'utf8')).toContain('"extra.thing": extraThingFeature,');
      write(path.join(dir, 'notes.md'), 'ignored\n');
      unlinkSync(path.join(dir, 'checkout_color_feature.ts'));
      await waitFor(() => changes.length === 2, { timeoutMs: 10_000 });
      expect(changes[1]!.features.map((f) => f.name)).toEqual(['billing.new_invoice', 'extra.thing', 'new_checkout']);
    } finally {
      await watcher.close();
    }
  });

  test('the switchyard-features bin indexes a folder', async () => {
    const dir = fixture(path.join(root, 'f'));
    const out = path.join(root, 'f', 'generated', 'features.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', BIN, 'index', '--dir', dir, '--out', out], { cwd: PACKAGE });
    expect(stdout).toBe(`indexed 3 feature(s) into ${path.relative(PACKAGE, out)}\n`);
    expect(readFileSync(out, 'utf8')).toContain('import newCheckoutFeature from "../features/new_checkout_feature.js";');
    const usage = await promisify(execFile)(process.execPath, ['--import', 'tsx', BIN, 'list'], { cwd: PACKAGE }).catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: switchyard-features index') });
  });
});
