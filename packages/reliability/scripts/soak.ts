// `pnpm soak`: SOAK_SECONDS (default 600) of mixed load on two instances sharing a private Redis.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSoak } from '../src/index';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const seconds = Number(process.env.SOAK_SECONDS) || 600;
const result = await runSoak({ seconds, outDir: path.join(root, 'test-output/soak'), manifests: path.join(root, 'examples/manifests') });
const rps = result.samples.map((s) => s.requestsPerSecond);
const first = result.samples[0]!;
const last = result.samples.at(-1)!;
console.log(`soak ${result.seconds} s: ${result.requests} requests, ${result.errors} errors`);
console.log(`throughput req/s: min ${Math.min(...rps)}, max ${Math.max(...rps)}; p99 ms max ${Math.max(...result.samples.map((s) => s.p99Ms))}`);
console.log(`server RSS MB: ${first.rssMb.join(' / ')} → ${last.rssMb.join(' / ')}; heap MB: ${first.heapMb.join(' / ')} → ${last.heapMb.join(' / ')}`);
console.log(`heap slope after warm-up: ${result.heapSlopeMbPerMin.join(' / ')} MB/min; Redis memory ${first.redisMb} → ${last.redisMb} MB`);
console.log(`chart: ${path.relative(root, result.chart)}`);
process.exitCode = result.errors === 0 ? 0 : 1;
