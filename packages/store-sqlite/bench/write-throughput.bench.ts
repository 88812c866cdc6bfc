// Write throughput of the embedded stores: sequential flag upserts and scoped value updates,
// each awaited, as an admin API or CLI import would issue them. Prints ops/s and p50/p99 latency.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlagStore } from '@switchyard/core';
import { createMemoryStore } from '@switchyard/store-memory';
import { createSqliteStore } from '@switchyard/store-sqlite';
import { sequentialLatency, type SequentialFigures } from '@switchyard/store-test-suite';

const UPSERTS = 5000;
const VALUE_UPDATES = 5000;
/** Value updates spread over this many flags, 50 users each: realistic scoped maps, not one huge key. */
const VALUE_KEYS = 100;

function line(store: string, what: string, f: SequentialFigures): void {
  console.log(
    `${store.padEnd(8)} ${what.padEnd(22)} ${String(f.opsPerSecond).padStart(8)} ops/s   p50 ${f.p50Ms.toFixed(3)} ms   p99 ${f.p99Ms.toFixed(3)} ms`,
  );
}

async function run(label: string, store: FlagStore): Promise<void> {
  await store.migrate();
  // Warm up statement caches and the JIT on keys the measured loops do not touch.
  for (let i = 0; i < 200; i++) await store.upsertFlag({ key: `warm-${i}`, type: 'number', fallbackValue: i });
  line(
    label,
    'upsertFlag',
    await sequentialLatency(UPSERTS, (i) =>
      store.upsertFlag({ key: `flag-${i}`, type: 'number', fallbackValue: i, description: 'bench', tags: ['bench'] }, { actor: 'bench' }),
    ),
  );
  for (let k = 0; k < VALUE_KEYS; k++) await store.upsertFlag({ key: `valued-${k}`, type: 'number', fallbackValue: 0 });
  line(
    label,
    'setValues (scoped)',
    await sequentialLatency(VALUE_UPDATES, (i) =>
      store.setValues([{ key: `valued-${i % VALUE_KEYS}`, value: i, scope: { tenant: 'acme', user: `u${Math.floor(i / VALUE_KEYS)}` } }], { actor: 'bench' }),
    ),
  );
  await store.close();
}

export default async function writeThroughput(): Promise<void> {
  console.log(`\nstore write throughput (${UPSERTS} upserts, ${VALUE_UPDATES} value updates over ${VALUE_KEYS} keys, sequential)`);
  await run('memory', createMemoryStore());
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  try {
    await run('sqlite', createSqliteStore({ path: join(dir, 'bench.db') }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
