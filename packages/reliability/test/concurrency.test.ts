import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, parseServerConfig, startServer, type RunningServer } from '@switchyard/server';
import { hasRedisServer, startPrivateRedis, type PrivateRedis } from '../src/index';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const available = hasRedisServer();
if (!available && CI) throw new Error('redis-server is not installed; CI=true requires the concurrency tests to run');
const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/manifests');
const CLIENTS = 16;
const ATTEMPTS = 8;
const json = { 'content-type': 'application/json' };

interface Applied {
  version: number;
  value: number;
}

describe.skipIf(!available)('two instances on one Redis store, many writers on the same flag', () => {
  let redis: PrivateRedis;
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    redis = await startPrivateRedis();
    for (let i = 0; i < 2; i++) {
      const parsed = parseServerConfig(['--store', `${redis.url}/?prefix=race`, '--manifests', EXAMPLES, '--no-watch', '--port', '0']);
      if (parsed.errors) throw new Error(parsed.errors.join('; '));
      servers.push(await startServer(parsed.config, { handleSignals: false, logger: createLogger('silent'), requestLogging: false, defaultMetrics: false, graceMs: 500 }));
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await redis?.stop();
  });

  it('If-Match: stale writes get 409, no acknowledged update is lost, one audit entry per applied change', async () => {
    const url = servers[0]!.url;
    const created = await fetch(`${url}/api/v1/flags/race_flag`, { method: 'PUT', headers: { ...json, 'If-Match': '0' }, body: JSON.stringify({ type: 'number', fallbackValue: 0 }) });
    expect(created.status).toBe(200);
    const applied: Applied[] = [];
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const base = servers[client % 2]!.url;
        for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
          const read = (await (await fetch(`${base}/api/v1/flags/race_flag`)).json()) as { version: number };
          const value = client * 1000 + attempt + 1;
          const res = await fetch(`${base}/api/v1/flags/race_flag`, { method: 'PUT', headers: { ...json, 'If-Match': String(read.version) }, body: JSON.stringify({ type: 'number', fallbackValue: value }) });
          const body = (await res.json()) as { flag?: { version: number } };
          if (res.status === 200) applied.push({ version: body.flag!.version, value });
          else {
            expect(res.status, JSON.stringify(body)).toBe(409);
            conflicts++;
          }
        }
      }),
    );
    const versions = applied.map((a) => a.version).sort((a, b) => a - b);
    // Every applied write got its own version, one after the other from the creation (version 1).
    expect(versions).toEqual(Array.from({ length: applied.length }, (_, i) => i + 2));
    expect(applied.length + conflicts).toBe(CLIENTS * ATTEMPTS);
    expect(conflicts).toBeGreaterThan(0);
    const last = applied.reduce((a, b) => (b.version > a.version ? b : a));
    for (const s of servers) {
      const final = (await (await fetch(`${s.url}/api/v1/flags/race_flag`)).json()) as { version: number; definition: { fallbackValue: number } };
      expect(final).toMatchObject({ version: last.version, definition: { fallbackValue: last.value } });
      await expect.poll(() => s.runtime.engine.evaluate('race_flag').value, { timeout: 10_000 }).toBe(last.value);
    }
    const audit = (await (await fetch(`${url}/api/v1/audit?key=race_flag&limit=1000`)).json()) as { entries: unknown[] };
    expect(audit.entries).toHaveLength(applied.length + 1);
    console.log(`[concurrency] ${CLIENTS} clients × ${ATTEMPTS} conditional writes on 2 instances: ${applied.length} applied, ${conflicts} refused with 409, ${audit.entries.length} audit entries`);
  });

  it('concurrent scoped values from both instances: every acknowledged one is stored and audited once', async () => {
    const url = servers[0]!.url;
    expect((await fetch(`${url}/api/v1/flags/race_scoped`, { method: 'PUT', headers: json, body: JSON.stringify({ type: 'number', fallbackValue: 0 }) })).status).toBe(200);
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${servers[i % 2]!.url}/api/v1/values`, { method: 'POST', headers: json, body: JSON.stringify({ updates: [{ key: 'race_scoped', value: i, scope: { tenant: `t${i}` } }] }) }).then(async (r) => [r.status, await r.text()] as const),
      ),
    );
    expect(statuses.filter(([s]) => s >= 300)).toEqual([]);
    const values = (await servers[1]!.runtime.store.getValues('race_scoped'))!;
    expect(Object.keys(values.scopedValues ?? {})).toHaveLength(40);
    // Each instance reads its own writes at once; the other one's arrive through the store's change feed.
    for (const s of servers) {
      const evaluated = () => Array.from({ length: 40 }, (_, i) => s.runtime.engine.evaluate('race_scoped', { tenant: `t${i}` }).value);
      await expect.poll(evaluated, { timeout: 10_000 }).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
    const audit = (await (await fetch(`${url}/api/v1/audit?key=race_scoped&limit=1000`)).json()) as { entries: unknown[] };
    expect(audit.entries).toHaveLength(41);
  });
});
