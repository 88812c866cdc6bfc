// 100,000 flags in one native YAML manifest (the scale fixture: booleans, 10 % with a two-condition
// rule, 10 % with a 50/50 split), as a user meets them:
// - `switchyard validate flags.yaml`, the built CLI in its own process, spawn to exit;
// - `switchyard serve` on that manifest (in-memory store): spawn until `/health` answers 200, and the
//   server's resident memory then and after one request that evaluates every flag;
// - `evaluateAll` for one context in-process, once the flags have been compiled.
// Goals: validate < 2 s, /health < 3 s, RSS < 300 MB, evaluateAll < 5 ms.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEngine } from '@switchyard/core';
import { scaleDefinitions, writeScaleManifest } from '../../manifest/bench/scale-manifest';

const FLAGS = 100_000;
const RUNS = 3;
const bin = resolve(import.meta.dirname, '../../../apps/cli/dist/bin.js');

function summary(label: string, values: number[], unit: (v: number) => string): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${label.padEnd(34)} min ${unit(sorted[0]!)}   median ${unit(sorted[Math.floor(sorted.length / 2)]!)}   max ${unit(sorted[sorted.length - 1]!)}`;
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const megabytes = (kb: number) => `${Math.round(kb / 1024)} MB`;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** Resident memory of a process in KB (Linux), or undefined elsewhere. */
function rssKb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function serveOnce(dir: string): Promise<{ healthMs: number; rss?: number; rssAfterEvaluate?: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'serve', '-p', String(port), '-m', dir, '-s', 'memory:', '--no-watch', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const base = `http://127.0.0.1:${port}`;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${stderr}`);
      if (performance.now() - started > 60_000) throw new Error('no /health answer within 60 s');
      const ok = await fetch(`${base}/health`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const healthMs = performance.now() - started;
    const rss = rssKb(child.pid!);
    const all = await fetch(`${base}/ofrep/v1/evaluate/flags`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: { targetingKey: 'user-1', country: 'DE', plan: 'pro' } }) });
    if (all.status !== 200) throw new Error(`bulk evaluation answered ${all.status}`);
    await all.arrayBuffer();
    return { healthMs, rss, rssAfterEvaluate: rssKb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export default async function scaleBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-scale-bench-'));
  try {
    const file = writeScaleManifest(dir, FLAGS);
    const validate: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const result = spawnSync(process.execPath, [bin, 'validate', file], { encoding: 'utf8' });
      validate.push(performance.now() - started);
      if (result.status !== 0) throw new Error(`validate failed (exit ${result.status}): ${result.stdout}${result.stderr}`);
    }
    console.log(summary(`validate ${FLAGS.toLocaleString('en')} flags`, validate, seconds));

    const served = [];
    for (let run = 0; run < RUNS; run++) served.push(await serveOnce(dir));
    console.log(summary('serve: /health answers after', served.map((s) => s.healthMs), seconds));
    const rss = served.map((s) => s.rss).filter((v) => v !== undefined);
    const after = served.map((s) => s.rssAfterEvaluate).filter((v) => v !== undefined);
    if (rss.length) console.log(summary('serve: RSS at /health', rss, megabytes));
    if (after.length) console.log(summary('serve: RSS after evaluating all', after, megabytes));

    const engine = createEngine({ environment: 'production' });
    engine.load({ definitions: scaleDefinitions(FLAGS) });
    const context = { targetingKey: 'user-1', userId: 'user-1', country: 'DE', plan: 'pro' };
    engine.evaluateAll(context); // compiles every flag once
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      engine.evaluateAll(context);
      times.push(performance.now() - started);
    }
    console.log(summary(`evaluateAll ${FLAGS.toLocaleString('en')} flags`, times, (ms) => `${ms.toFixed(1)} ms`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
