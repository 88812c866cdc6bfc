import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const DURATION_S = 2;
// Rounds alternate the routes so background load on the machine affects each of them alike.
const ROUNDS = 5;
const CONNECTIONS = 32;

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(name: string, url: string, body: unknown, durationS = DURATION_S, headers: Record<string, string> = {}): Promise<Figures> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    connections: CONNECTIONS,
    duration: durationS,
  });
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function combine(runs: Figures[]): Figures {
  return {
    name: runs[0]!.name,
    rps: runs.reduce((sum, f) => sum + f.rps, 0) / runs.length,
    p50: median(runs.map((f) => f.p50)),
    p99: median(runs.map((f) => f.p99)),
    errors: runs.reduce((sum, f) => sum + f.errors, 0),
    non2xx: runs.reduce((sum, f) => sum + f.non2xx, 0),
  };
}

/**
 * OFREP single-flag evaluation and Workertown `POST /v1/ask` against a bare express JSON route,
 * with autocannon on loopback. Goal: evaluation ≥ 0.9× the bare route's requests per second.
 */
export default async function bench(): Promise<void> {
  const child = spawn(process.execPath, ['--conditions=@switchyard/source', '--import', 'tsx', path.join(here, 'http-target.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let urls: { switchyard: string; keyed: string; bare: string } | undefined;
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line.startsWith('{"switchyard"')) {
        urls = JSON.parse(line) as { switchyard: string; keyed: string; bare: string };
        break;
      }
    }
    if (!urls) throw new Error('the benchmark target did not start');
    const ofrepBody = { context: { targetingKey: 'user-42', environment: 'production', email: 'ann@example.com', country: 'DE' } };
    const askBody = { context: { plan: 'pro', country: 'DE' } };
    // Warm up the JIT on every route before measuring.
    await load('warm-up', `${urls.bare}/bare`, ofrepBody, 1);
    await load('warm-up', `${urls.switchyard}/ofrep/v1/evaluate/flags/new-checkout`, ofrepBody, 1);
    await load('warm-up', `${urls.switchyard}/v1/ask`, askBody, 1);
    const withKey = { authorization: 'Bearer bench-key-0123456789' };
    await load('warm-up', `${urls.keyed}/ofrep/v1/evaluate/flags/new-checkout`, ofrepBody, 1, withKey);
    const targets: [string, string, unknown, number?, Record<string, string>?][] = [
      ['bare express JSON route', `${urls.bare}/bare`, ofrepBody],
      ['OFREP POST /ofrep/v1/evaluate/flags/new-checkout', `${urls.switchyard}/ofrep/v1/evaluate/flags/new-checkout`, ofrepBody],
      ['Workertown POST /v1/ask (all flags)', `${urls.switchyard}/v1/ask`, askBody],
      ['OFREP single flag with an API key', `${urls.keyed}/ofrep/v1/evaluate/flags/new-checkout`, ofrepBody, DURATION_S, withKey],
    ];
    const rounds: Figures[][] = targets.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < targets.length; i++) rounds[i]!.push(await load(...targets[i]!));
    }
    const [bare, ofrep, ask, keyed] = rounds.map(combine) as [Figures, Figures, Figures, Figures];
    console.log(`autocannon · ${CONNECTIONS} connections · ${ROUNDS} rounds × ${DURATION_S} s per route · loopback · mean req/s, median p50/p99`);
    for (const f of [bare, ofrep, ask, keyed]) {
      const ratio = f === bare ? '' : ` · ${(f.rps / bare.rps).toFixed(2)}× bare`;
      console.log(`${f.name.padEnd(50)} ${Math.round(f.rps).toString().padStart(7)} req/s · p50 ${f.p50} ms · p99 ${f.p99} ms${ratio}${f.errors || f.non2xx ? ` · errors ${f.errors} non-2xx ${f.non2xx}` : ''}`);
    }
    const goal = ofrep.rps / bare.rps >= 0.9 ? 'met' : 'NOT met';
    console.log(`goal (OFREP evaluation ≥ 0.9× bare): ${goal}`);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
