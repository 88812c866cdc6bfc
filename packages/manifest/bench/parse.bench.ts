// Parsing and compiling 10,000 flags: a native manifest (every rule kind) and a Featuris manifest
// of the same size, each parsed with positions and validated, then compiled into an engine.
// Goal: under 1 s for parse + compile.
import { createEngine } from '@switchyard/core';
import { exportManifest, parseManifest } from '../src/index';
import { targetingFlag } from './scale-manifest';
import type { FlagDefinition } from '@switchyard/core';

const FLAGS = 10_000;
const RUNS = 5;

function nativeDefinitions(): FlagDefinition[] {
  return Array.from({ length: FLAGS }, (_, i): FlagDefinition => {
    const key = `flag-${String(i).padStart(5, '0')}`;
    switch (i % 5) {
      case 0:
        return { key, type: 'boolean', fallbackValue: false, environments: { development: { type: 'static', value: true }, production: { type: 'static', value: false } } };
      case 1:
        return targetingFlag(
          key,
          [{ attribute: 'country', operator: 'in', value: ['DE', 'FR'] }, { attribute: 'plan', operator: 'eq', value: 'pro' }, { attribute: 'age', operator: 'gte', value: 18 }],
          { type: 'rollout', percentage: 25, value: true },
        );
      case 2:
        return { key, type: 'string', fallbackValue: 'a', defaultRule: { type: 'variant', variants: [{ value: 'a', weight: 30 }, { value: 'b', weight: 40 }, { value: 'c', weight: 10.5 }, { value: 'd', weight: 19.5 }] } };
      case 3:
        return { key, type: 'boolean', fallbackValue: false, environments: { production: { type: 'schedule', windows: [{ from: '2024-12-25 00:00:00', to: '2025-01-05 23:59:59' }] } } };
      default:
        return { key, type: 'number', fallbackValue: 0, validations: [{ scopes: ['tenant', 'user'] }, { regex: '^\\d+$' }], description: 'A cds-style number toggle.' };
    }
  });
}

function featurisText(): string {
  let out = '';
  for (let i = 0; i < FLAGS; i++) {
    out += `feature_${i}:\n  development: true\n  staging: true\n`;
    out +=
      i % 2 === 0
        ? '  production:\n    type: variant\n    values:\n      - value: true\n        percentage: 50\n      - value: false\n        percentage: 50\n'
        : '  production:\n    type: schedule\n    values:\n      - from: "2017-12-25 00:00:00"\n        to: "2018-01-05 23:59:59"\n';
  }
  return out;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(name: string, text: string, file: string): void {
  const parse: number[] = [];
  const compile: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = parseManifest(text, { file });
    const t1 = performance.now();
    if (result.errors.length || result.definitions.length !== FLAGS) throw new Error(`${name}: expected ${FLAGS} valid flags`);
    // parseManifest validated every definition already; the engine only compiles.
    createEngine({ environment: 'production' }).load(result, { validate: false });
    const t2 = performance.now();
    const used = process.cpuUsage(c0);
    parse.push(t1 - t0);
    compile.push(t2 - t1);
    cpu.push((used.user + used.system) / 1000);
  }
  const total = parse.map((p, i) => p + compile[i]!);
  const kb = Math.round(Buffer.byteLength(text) / 1024);
  // CPU time is reported too: on a busy machine wall time measures the neighbours as much as the parser.
  console.log(
    `${name.padEnd(32)} ${FLAGS} flags, ${kb} KiB: parse p50 ${median(parse).toFixed(0)} ms + compile p50 ${median(compile).toFixed(0)} ms = ` +
      `${median(total).toFixed(0)} ms wall (min ${Math.min(...total).toFixed(0)} ms), cpu p50 ${median(cpu).toFixed(0)} ms (goal < 1000 ms)`,
  );
}

export default async function parseBench(): Promise<void> {
  measure('native YAML (5 rule kinds)', exportManifest(nativeDefinitions(), {}, { format: 'yaml' }), 'bench.yaml');
  measure('native JSON (5 rule kinds)', exportManifest(nativeDefinitions(), {}, { format: 'json' }), 'bench.json');
  measure('Featuris YAML (variant/schedule)', featurisText(), 'featuris.yaml');
}

if (import.meta.url === `file://${process.argv[1]}`) await parseBench();
