import { createMemoryStore } from '@switchyard/store-memory';
import { bench, run, summary } from 'mitata';
import { compileTemplate, compileValue, createWorkflowRunner, parseTemplate, type MappingScope, type StorageDriver } from '../src/index';
import { compileUrlTemplate } from '../src/steps/url-template';

/** Mapping and step-URL resolution and a 3-step in-memory workflow (storage put, storage get, SQLite :memory: query). */
export default async function (): Promise<void> {
  const scope: MappingScope = {
    input: { orderId: 'o-123', customer: { name: 'Ada', email: 'ada@example.com' }, items: [{ sku: 'a' }, { sku: 'b' }] },
    sessions: { user: { sub: 'u-1', plan: 'pro' } },
    steps: { fetch: { status: 200, body: { total: 42.5, lines: [{ id: 1 }] } } },
    env: { REGION: 'eu-west-1' },
    secrets: { TOKEN: 'secret' },
    now: Date.now,
  };
  const text = 'Order $Input{orderId} for $Uppercase($Input{customer}{name}) total $Sequence{fetch}{body}{total} in $Env{REGION}';
  const whole = compileTemplate('$Sequence{fetch}{body}{lines}{0}{id}');
  const interpolated = compileTemplate(text);
  const body = compileValue({ id: '$Input{orderId}', who: '$Session{user}{sub}', email: '$Default($Input{customer}{email}, \'none\')', fixed: { a: 1, b: [1, 2, 3] }, total: '$Sequence{fetch}{body}{total}' });

  const url = compileUrlTemplate('/orders/$Input{orderId}/items/$Sequence{fetch}{body}{lines}{0}{id}?region=$Env{REGION}', true, (m) => {
    throw new Error(m);
  }, ['url'])!;

  const files = new Map<string, Uint8Array>();
  const memoryFiles: StorageDriver = {
    async put(path, data) {
      files.set(path, data);
    },
    async get(path) {
      const f = files.get(path);
      if (!f) throw new Error(`file "${path}" not found`);
      return f;
    },
    async delete(path) {
      return files.delete(path);
    },
  };
  const runner = createWorkflowRunner({
    store: createMemoryStore(),
    recordTtlMs: 0,
    environments: { bench: { storage: { mem: memoryFiles }, databases: { db: { driver: 'sqlite', path: ':memory:' } } } },
  });
  runner.register({
    tag: 'three_steps',
    product: 'bench',
    input: { name: { type: 'string', required: true }, n: { type: 'integer', required: true } },
    steps: [
      { tag: 'put', type: 'storage', action: 'put', driver: 'mem', path: 'docs/$Input{name}.json', content: { name: '$Input{name}', n: '$Input{n}' } },
      { tag: 'get', type: 'storage', action: 'get', driver: 'mem', path: '$Sequence{put}{path}' },
      { tag: 'calc', type: 'database', connection: 'db', sql: 'SELECT ? * 2 AS doubled, length(?) AS len', params: ['$Input{n}', '$Sequence{get}{content}'] },
    ],
    output: { doubled: '$Sequence{calc}{rows}{0}{doubled}', size: '$Sequence{get}{size}' },
  });
  const request = { env: 'bench', product: 'bench', feature_tag: 'three_steps', input: { name: 'ada', n: 21 } };
  const check = await runner.run(request);
  if (check.status !== 'completed') throw new Error(`bench workflow failed: ${JSON.stringify(check.error)}`);

  summary(() => {
    bench('mapping: parse a 4-expression template', () => parseTemplate(text));
    bench('mapping: resolve a whole-value reference', () => whole(scope));
    bench('mapping: resolve interpolated text', () => interpolated(scope));
    bench('mapping: resolve a 5-field object', () => body.resolve(scope));
    bench('url: resolve a step URL under a base (2 encoded values)', () => url.resolve(scope, 'https://api.example.com/v1'));
  });
  bench('workflow: 3-step in-memory run', async () => {
    await runner.run(request);
  });
  await run();

  // Latency percentiles of whole runs, printed for the record.
  const samples: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    await runner.run(request);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!.toFixed(3);
  console.log(`3-step workflow run: p50 ${pct(50)} ms · p99 ${pct(99)} ms (${samples.length} runs)`);
  await runner.close();
}
