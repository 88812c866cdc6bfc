import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { createLogger, parseServerConfig, startServer, type RunningServer } from '@switchyard/server';
import { startPrivateRedis } from './private-redis';
import { svgChart } from './svg-chart';

export interface SoakOptions {
  /** Total duration. Default 600 s. */
  seconds?: number;
  /** Length of one sample window. Default 5 s. */
  windowSeconds?: number;
  /** Connections per instance. Default 16. */
  connections?: number;
  /** Where `soak.svg` and `soak.json` go. */
  outDir: string;
  manifests: string;
}

export interface SoakSample {
  second: number;
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  rssMb: number;
}

export interface SoakResult {
  seconds: number;
  requests: number;
  errors: number;
  samples: SoakSample[];
  chart: string;
}

/**
 * Drives two server instances sharing a private Redis with mixed reads (OFREP evaluations, flag
 * lists) and writes (maintained values) over loopback, sampling throughput, p99 latency, errors
 * (transport errors and non-2xx answers) and the process RSS per window.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const seconds = options.seconds ?? 600;
  const windowSeconds = Math.min(options.windowSeconds ?? 5, seconds);
  const redis = await startPrivateRedis();
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const parsed = parseServerConfig(['--store', `${redis.url}/?prefix=soak`, '--manifests', options.manifests, '--no-watch', '--port', '0']);
      if (parsed.errors) throw new Error(parsed.errors.join('; '));
      servers.push(await startServer(parsed.config, { handleSignals: false, logger: createLogger('silent'), requestLogging: false, defaultMetrics: false }));
    }
    const json = { 'content-type': 'application/json' };
    const put = await fetch(`${servers[0]!.url}/api/v1/flags/soak_flag`, { method: 'PUT', headers: json, body: JSON.stringify({ type: 'number', fallbackValue: 0 }) });
    if (!put.ok) throw new Error(`cannot create soak_flag: ${put.status} ${await put.text()}`);
    const requests: autocannon.Request[] = [
      ...Array.from({ length: 8 }, () => ({ method: 'POST' as const, path: '/ofrep/v1/evaluate/flags/soak_flag', headers: json, body: '{"context":{"targetingKey":"u1"}}' })),
      { method: 'GET', path: '/api/v1/flags' },
      { method: 'POST', path: '/api/v1/values', headers: json, body: JSON.stringify({ updates: [{ key: 'soak_flag', value: 1 }] }) },
    ];
    const samples: SoakSample[] = [];
    let requestsTotal = 0;
    let errorsTotal = 0;
    for (let elapsed = 0; elapsed < seconds; elapsed += windowSeconds) {
      const results = await Promise.all(
        servers.map((s) => autocannon({ url: s.url, connections: options.connections ?? 16, duration: Math.min(windowSeconds, seconds - elapsed), requests })),
      );
      const reqs = results.reduce((n, r) => n + r.requests.total, 0);
      const errors = results.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0);
      requestsTotal += reqs;
      errorsTotal += errors;
      samples.push({
        second: elapsed + windowSeconds,
        requestsPerSecond: Math.round(reqs / Math.min(windowSeconds, seconds - elapsed)),
        p99Ms: Math.max(...results.map((r) => r.latency.p99)),
        errors,
        rssMb: Math.round(process.memoryUsage().rss / 1e6),
      });
    }
    mkdirSync(options.outDir, { recursive: true });
    const chart = path.join(options.outDir, 'soak.svg');
    const x = samples.map((s) => s.second);
    writeFileSync(
      chart,
      svgChart(`switchyard soak: 2 instances on Redis, ${seconds} s`, x, [
        { name: 'throughput', unit: 'req/s', values: samples.map((s) => s.requestsPerSecond) },
        { name: 'p99 latency', unit: 'ms', values: samples.map((s) => s.p99Ms) },
        { name: 'errors', unit: 'per window', values: samples.map((s) => s.errors) },
        { name: 'RSS', unit: 'MB', values: samples.map((s) => s.rssMb) },
      ]),
    );
    const result = { seconds, requests: requestsTotal, errors: errorsTotal, samples, chart };
    writeFileSync(path.join(options.outDir, 'soak.json'), JSON.stringify(result, null, 2) + '\n');
    return result;
  } finally {
    for (const s of servers) await s.close();
    await redis.stop();
  }
}
