import { ValidationError } from '@switchyard/core';
import { createMemoryStore } from '@switchyard/store-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowRunner, REDACTED, type WorkflowRunner, type WorkflowRunnerOptions } from '../src/index';
import { json, LOOPBACK, startServer, type TestServer } from './helpers';

const API_TOKEN = 'tok_recent_7a6b5c4d3e2f';
let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, _body, res) => {
    if (req.url === '/ok') return json(res, 200, { ok: true });
    // Echoes the credential back, so a redaction failure would show up in the listed error.
    return json(res, 500, { echoed: req.headers.authorization });
  });
});
afterAll(() => server.close());

function makeRunner(extra: Partial<WorkflowRunnerOptions> = {}): WorkflowRunner {
  let now = Date.UTC(2026, 0, 1);
  const runner = createWorkflowRunner({
    store: createMemoryStore(),
    environments: { dev: { baseUrls: { api: server.url }, secrets: { API_TOKEN } } },
    clock: () => (now += 1000),
    network: { allowPrivate: [...LOOPBACK.allowPrivate] },
    ...extra,
  });
  const headers = { authorization: 'Bearer $Secret{API_TOKEN}' };
  runner.register([
    { product: 'shop', tag: 'good', input: { note: { type: 'string' } }, steps: [{ tag: 'call', type: 'http', base: 'api', url: '/ok', headers }] },
    {
      product: 'shop',
      tag: 'bad',
      steps: [
        { tag: 'first', type: 'http', base: 'api', url: '/ok', headers },
        { tag: 'boom', type: 'http', base: 'api', url: '/fail', headers },
        { tag: 'after', type: 'http', base: 'api', url: '/ok' },
      ],
    },
    { product: 'blog', tag: 'good', steps: [{ tag: 'call', type: 'http', base: 'api', url: '/ok' }] },
  ]);
  return runner;
}

describe('listRuns', () => {
  it('lists runs newest first with per-step status, without input or output, secrets redacted', async () => {
    const runner = makeRunner();
    const ok = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'good', input: { note: 'x' } });
    const failed = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'bad', input: {} });
    const runs = runner.listRuns();
    expect(runs.map((r) => [r.runId, r.feature_tag, r.status])).toEqual([
      [failed.runId, 'bad', 'failed'],
      [ok.runId, 'good', 'completed'],
    ]);
    const [bad, good] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(bad).toMatchObject({ product: 'shop', env: 'dev', durationMs: failed.durationMs, error: { step: 'boom' } });
    expect(bad.steps.map((s) => [s.tag, s.status, s.attempts])).toEqual([
      ['first', 'completed', 1],
      ['boom', 'failed', 1],
      ['after', 'skipped', 0],
    ]);
    expect(bad.steps[1]!.error).toMatch(/500/);
    expect(Date.parse(bad.finishedAt) - Date.parse(bad.startedAt)).toBe(Math.floor(failed.durationMs));
    expect(Date.parse(bad.startedAt)).toBeGreaterThan(Date.parse(good.startedAt));
    expect(good).not.toHaveProperty('input');
    expect(good).not.toHaveProperty('output');
    expect(good).not.toHaveProperty('error');
    expect(JSON.stringify(runs)).not.toContain(API_TOKEN);
    expect(JSON.stringify(runs)).toContain(REDACTED);
    await runner.close();
  });

  it('filters by product and feature tag and honours limit', async () => {
    const runner = makeRunner();
    const ids: string[] = [];
    for (const [product, tag] of [['shop', 'good'], ['blog', 'good'], ['shop', 'good'], ['shop', 'bad']] as const) {
      ids.push((await runner.run({ env: 'dev', product, feature_tag: tag, input: {} })).runId);
    }
    expect(runner.listRuns({ product: 'shop' }).map((r) => r.runId)).toEqual([ids[3], ids[2], ids[0]]);
    expect(runner.listRuns({ featureTag: 'good' }).map((r) => r.runId)).toEqual([ids[2], ids[1], ids[0]]);
    expect(runner.listRuns({ product: 'shop', featureTag: 'good', limit: 1 }).map((r) => r.runId)).toEqual([ids[2]]);
    expect(runner.listRuns({ limit: 2 }).map((r) => r.runId)).toEqual([ids[3], ids[2]]);
    expect(runner.listRuns({ product: 'none' })).toEqual([]);
    expect(() => runner.listRuns({ limit: 0 })).toThrow(ValidationError);
    expect(() => runner.listRuns({ limit: 1.5 })).toThrow('limit: must be a positive integer');
    await runner.close();
  });

  it('keeps only the last recentRuns summaries, and none with recentRuns: 0', async () => {
    const runner = makeRunner({ recentRuns: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await runner.run({ env: 'dev', product: 'blog', feature_tag: 'good', input: {} })).runId);
    expect(runner.listRuns().map((r) => r.runId)).toEqual([ids[6], ids[5], ids[4]]);
    expect(runner.listRuns({ limit: 10 })).toHaveLength(3);
    // Recording in the store is separate: older runs are still there.
    expect((await runner.getRun(ids[0]!))?.runId).toBe(ids[0]);

    const none = makeRunner({ recentRuns: 0 });
    await none.run({ env: 'dev', product: 'blog', feature_tag: 'good', input: {} });
    expect(none.listRuns()).toEqual([]);
    expect(() => makeRunner({ recentRuns: -1 })).toThrow('recentRuns: must be a non-negative integer');
    await Promise.all([runner.close(), none.close()]);
  });

  it('does not share the caller-owned result objects, and does not list cache hits', async () => {
    const runner = makeRunner();
    runner.register({ product: 'shop', tag: 'cached', steps: [{ tag: 'call', type: 'http', base: 'api', url: '/ok' }], cache: { ttl: '1h' } });
    const first = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'cached', input: {}, cache: 'c' });
    first.steps[0]!.status = 'failed';
    const hit = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'cached', input: {}, cache: 'c' });
    expect(hit.cached).toBe(true);
    expect(runner.listRuns().map((r) => [r.runId, r.steps[0]!.status])).toEqual([[first.runId, 'completed']]);
    await runner.close();
  });
});
