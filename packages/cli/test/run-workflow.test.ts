import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run-cli';

let peer: Server;
let work: ReturnType<typeof tempDir>;
let config: string;
let workflows: string;

beforeAll(async () => {
  // A real HTTP peer for the workflow's http step.
  peer = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/fail') return void res.writeHead(500).end('{"error":"boom"}');
    res.end(JSON.stringify({ path: req.url, plan: 'pro' }));
  });
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
  work = tempDir('switchyard-cli-run-');
  workflows = path.join(work.dir, 'workflows');
  mkdirSync(workflows);
  writeFileSync(
    path.join(workflows, 'lookup.yaml'),
    ['tag: lookup', 'product: demo', 'input:', '  id: { type: integer, required: true, min: 1 }', 'steps:', '  - tag: fetch', '    type: http', '    base: api', '    url: /accounts/$Input{id}', 'output:', '  plan: $Sequence{fetch}{body}{plan}', '  path: $Sequence{fetch}{body}{path}'].join('\n'),
  );
  writeFileSync(path.join(workflows, 'broken.yaml'), ['tag: broken', 'product: demo', 'steps:', '  - tag: fail', '    type: http', '    base: api', '    url: /fail'].join('\n'));
  config = path.join(work.dir, 'switchyard.json');
  // The peer listens on loopback, which workflow requests may reach only when allowed.
  writeFileSync(config, JSON.stringify({ workflows: { environments: { dev: { baseUrls: { api: base } } }, network: { allowPrivate: ['127.0.0.1'] } } }));
});

afterAll(async () => {
  work.remove();
  await new Promise((r) => peer.close(r));
});

describe('switchyard run', () => {
  it('runs a workflow feature locally and prints the output', async () => {
    const r = await runCli(['run', 'lookup', '--env', 'dev', '--product', 'demo', '--workflows', workflows, '--config', config, '--input-json', '{"id":7}', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ status: 'completed', output: { plan: 'pro', path: '/accounts/7' } });
    expect(result.steps).toEqual([expect.objectContaining({ tag: 'fetch', status: 'completed', attempts: 1 })]);
  });

  it('exits 1 with the failing step when a run fails, and names every bad input field', async () => {
    const failed = await runCli(['run', 'broken', '--env', 'dev', '--product', 'demo', '--workflows', workflows, '--config', config]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/failed/);
    expect(failed.stderr).toMatch(/^error: step fail failed: .*500/m);
    const invalid = await runCli(['run', 'lookup', '--env', 'dev', '--product', 'demo', '--workflows', workflows, '--config', config, '--input-json', '{"id":0,"x":1}']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/input\.id: must be at least 1, got 0/);
    expect(invalid.stderr).toMatch(/input\.x: is not an input of this feature/);
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await runCli(['run', 'lookup', '--product', 'demo', '--workflows', workflows])).code).toBe(2);
    const badJson = await runCli(['run', 'lookup', '--env', 'dev', '--product', 'demo', '--workflows', workflows, '--input-json', '{nope']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/^error: the input is not valid JSON/m);
  });
});

describe('switchyard features index', () => {
  it('writes a typed registry of *_feature files', async () => {
    const dir = path.join(work.dir, 'features');
    mkdirSync(path.join(dir, 'billing'), { recursive: true });
    writeFileSync(path.join(dir, 'new_checkout_feature.ts'), "import { defineFeature } from '@switchyard/features';\nexport default defineFeature('new_checkout', async () => true);\n");
    writeFileSync(path.join(dir, 'billing', 'new_invoice_feature.ts'), "import { defineFeature } from '@switchyard/features';\nexport default defineFeature('billing.new_invoice', async () => 'v2');\n");
    const r = await runCli(['features', 'index', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/indexed 2 features into/);
    const registry = readFileSync(path.join(dir, 'registry.ts'), 'utf8');
    expect(registry).toContain('"billing.new_invoice": FeatureValueOf<typeof billingNewInvoiceFeature>;');
    expect(registry).toContain('import newCheckoutFeature from "./new_checkout_feature.js";');
  });
});
