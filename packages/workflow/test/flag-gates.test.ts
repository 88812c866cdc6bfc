import { Engine } from '@switchyard/core';
import { createMemoryStore } from '@switchyard/store-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowRunner, formatWorkflowDiagnostic, WorkflowDefinitionError, type WorkflowRunnerOptions } from '../src/index';
import { json, LOOPBACK, startServer, type TestServer } from './helpers';

let upstream: TestServer;
beforeAll(async () => {
  upstream = await startServer((req, _body, res) => json(res, 200, { path: req.url }));
});
afterAll(() => upstream.close());

const options = (engine: Engine, extra: Partial<WorkflowRunnerOptions> = {}): WorkflowRunnerOptions => ({
  store: createMemoryStore(),
  engine,
  environments: { dev: { baseUrls: { api: upstream.url } } },
  network: { allowPrivate: [...LOOPBACK.allowPrivate] },
  ...extra,
});

function engineWith(...keys: string[]): Engine {
  const engine = new Engine();
  engine.load({ definitions: keys.map((key) => ({ key, type: 'boolean' as const, fallbackValue: true })) });
  return engine;
}

const GATED = `tag: gated
product: shop
steps:
  - tag: call
    type: http
    base: api
    url: /gated
    flag: new-checkout
  - tag: nested
    type: feature
    feature: helper
    flag: { key: helper-flag, value: true }
`;
const HELPER = 'tag: helper\nproduct: shop\nsteps:\n  - { tag: ping, type: http, base: api, url: /helper }\n';

describe('flag gates naming flags that do not exist', () => {
  it('are load-time errors, with position and a suggestion, when the flags are known at load', () => {
    const runner = createWorkflowRunner(options(engineWith('new-checkout-v2', 'helper-flag')));
    runner.loadText(HELPER, 'workflows/helper.yaml');
    const err = (() => {
      try {
        runner.loadText(GATED, 'workflows/gated.yaml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(WorkflowDefinitionError);
    expect((err as WorkflowDefinitionError).diagnostics.map(formatWorkflowDiagnostic)).toEqual(['workflows/gated.yaml:8:5 steps[0].flag: unknown flag "new-checkout" (did you mean "new-checkout-v2"?)']);

    const nested = createWorkflowRunner(options(engineWith('new-checkout')));
    nested.loadText(HELPER, 'workflows/helper.yaml');
    expect(() => nested.loadText(GATED, 'workflows/gated.yaml')).toThrow('workflows/gated.yaml:12:13 steps[1].flag.key: unknown flag "helper-flag"');
    expect(nested.list().map((w) => w.tag)).toEqual(['helper']);
  });

  it('fail the step with FLAG_NOT_FOUND at run time when flags are created later, and run once the flag exists', async () => {
    const engine = engineWith();
    const warnings: string[] = [];
    const runner = createWorkflowRunner(options(engine, { flagsKnownAtLoad: false, logger: { warn: (m) => warnings.push(m), error: () => undefined } }));
    runner.loadText(HELPER, 'workflows/helper.yaml');
    runner.loadText(GATED, 'workflows/gated.yaml');
    expect(warnings).toEqual([
      'feature shop/gated step "call" is gated on flag "new-checkout", which does not exist yet; until it does, the step fails with FLAG_NOT_FOUND',
      'feature shop/gated step "nested" is gated on flag "helper-flag", which does not exist yet; until it does, the step fails with FLAG_NOT_FOUND',
    ]);
    const before = upstream.requests.length;
    const missing = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'gated', input: {} });
    expect(missing.status).toBe('failed');
    expect(missing.error).toEqual({ step: 'call', code: 'FLAG_NOT_FOUND', message: 'flag "new-checkout" does not exist' });
    expect(missing.steps.map((s) => [s.tag, s.status, s.code ?? s.reason])).toEqual([
      ['call', 'failed', 'FLAG_NOT_FOUND'],
      ['nested', 'skipped', 'not reached: step "call" failed'],
    ]);
    expect(upstream.requests.length).toBe(before);

    engine.upsert([{ key: 'new-checkout', type: 'boolean', fallbackValue: true }]);
    const half = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'gated', input: {} });
    expect(half.error).toEqual({ step: 'nested', code: 'FLAG_NOT_FOUND', message: 'flag "helper-flag" does not exist' });

    engine.upsert([{ key: 'helper-flag', type: 'boolean', fallbackValue: true }]);
    const ok = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'gated', input: {} });
    expect(ok.status).toBe('completed');
    expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/gated', '/gated', '/helper']);
    await runner.close();
  });

  it('fail the step when a flag known at load is removed later', async () => {
    const engine = engineWith('new-checkout', 'helper-flag');
    const runner = createWorkflowRunner(options(engine));
    runner.loadText(HELPER, 'workflows/helper.yaml');
    runner.loadText(GATED, 'workflows/gated.yaml');
    expect((await runner.run({ env: 'dev', product: 'shop', feature_tag: 'gated', input: {} })).status).toBe('completed');
    engine.remove(['new-checkout']);
    const result = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'gated', input: {} });
    expect(result.error).toEqual({ step: 'call', code: 'FLAG_NOT_FOUND', message: 'flag "new-checkout" does not exist' });
    await runner.close();
  });
});
