// Cost of evaluating through the client against the raw engine (a local snapshot, no network on
// the hot path), next to one OFREP round trip of the remote-only mode on loopback for scale.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bench, do_not_optimize, run, summary } from 'mitata';
import { createEngine } from '@switchyard/core';
import { createLogger, parseServerConfig, startServer } from '@switchyard/server';
import { SDK_BENCH_FLAGS, rotatingContexts } from '../../../bench/sdk-flags';
import { createClient, createRemoteClient } from '../src/index';

export default async function clientBench(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-client-bench-'));
  const parsed = parseServerConfig(['--port', '0', '--store', `sqlite:${path.join(dir, 'bench.db')}`, '--log-level', 'silent'], {});
  if (parsed.errors) throw new Error(parsed.errors.join('; '));
  const server = await startServer(parsed.config, { handleSignals: false, requestLogging: false, defaultMetrics: false, logger: createLogger('silent') });
  const definitions = SDK_BENCH_FLAGS;
  for (const d of definitions) {
    await fetch(`${server.url}/api/v1/flags/${d.key}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(d) });
  }
  const client = createClient({ url: server.url });
  await client.ready();
  const remote = createRemoteClient({ url: server.url });
  const engine = createEngine();
  engine.load({ definitions });
  const next = rotatingContexts();

  summary(() => {
    bench('engine.boolean (raw engine)', () => do_not_optimize(engine.boolean('rule', false, next())));
    bench("client.engine.boolean (the client's engine, loaded from the server)", () => do_not_optimize(client.engine.boolean('rule', false, next())));
    bench('client.isEnabled', () => do_not_optimize(client.isEnabled('rule', next())));
    bench('client.getValue (string split)', () => do_not_optimize(client.getValue('split', 'x', next())));
    bench('client.evaluate', () => do_not_optimize(client.evaluate('rule', next())));
  });
  bench('remote.isEnabled (OFREP round trip, loopback)', async () => do_not_optimize(await remote.isEnabled('rule', next())));
  try {
    await run();
  } finally {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
