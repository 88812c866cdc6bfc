import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@switchyard/server';
import { createClient, ServerResponseError } from '../src/index';
import { boolFlag, clientsClosedAfterEach, postValues, putFlag, startSqliteServer, startTestServer, tempDir, until } from './helpers';

let server: RunningServer;
let stop: () => Promise<void>;
const open = clientsClosedAfterEach();

beforeAll(async () => {
  ({ server, stop } = await startSqliteServer());
  await putFlag(server.url, boolFlag('checkout', true));
  await putFlag(server.url, {
    key: 'banner',
    type: 'string',
    fallbackValue: 'plain',
    environments: { production: { type: 'static', value: 'prod-banner' } },
    defaultRule: { type: 'static', value: 'default-banner' },
  });
  await putFlag(server.url, boolFlag('off', true, { enabled: false }));
  await putFlag(server.url, { key: 'limits', type: 'object', fallbackValue: { max: 1 } });
});
afterAll(() => stop());

describe('SwitchyardClient against a running server', () => {
  it('loads the snapshot and evaluates locally with the typed API', async () => {
    const client = open({ url: server.url });
    expect(client.status).toBe('starting');
    await client.ready();
    expect(client.status).toBe('ready');
    expect(client.lastSyncAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(client.isEnabled('checkout')).toBe(true);
    expect(client.isEnabled('missing')).toBe(false);
    expect(client.isEnabled('banner')).toBe(false);
    expect(client.getValue('banner', 'x')).toBe('default-banner');
    expect(client.getValue('banner', 'x', {}, { environment: 'production' })).toBe('prod-banner');
    expect(client.getValue('limits', { max: 0 })).toEqual({ max: 1 });
    expect(client.getValue('checkout', 'not-a-string')).toBe('not-a-string');
    expect(client.getDetails('checkout', 'not-a-string')).toMatchObject({ reason: 'ERROR', errorCode: 'TYPE_MISMATCH', value: 'not-a-string' });
    // Disabled flags are part of the snapshot: they serve their fallback, they are not unknown.
    expect(client.evaluate('off')).toMatchObject({ key: 'off', value: false, reason: 'DISABLED' });
    expect(client.evaluate('missing')).toMatchObject({ reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', value: undefined });
    expect(client.evaluateAll().map((r) => r.key).sort()).toEqual(['banner', 'checkout', 'limits', 'off']);
  });

  it('uses the environment option as the default environment', async () => {
    const client = open({ url: server.url, environment: 'production' });
    await client.ready();
    expect(client.getValue('banner', 'x')).toBe('prod-banner');
  });

  it('follows creations, value updates and deletions made through the server API', async () => {
    const client = open({ url: server.url });
    await client.ready();
    const changes: string[][] = [];
    client.on('change', (keys) => changes.push(keys));

    await putFlag(server.url, boolFlag('live-flag', true));
    await until(() => client.isEnabled('live-flag'), 10_000, 'live-flag');
    expect(changes).toEqual([['live-flag']]);

    await postValues(server.url, [{ key: 'live-flag', value: false, scope: { user: 'alice' } }]);
    await until(() => !client.isEnabled('live-flag', { user: 'alice' }), 10_000, 'scoped value');
    expect(client.evaluate('live-flag', { user: 'alice' })).toMatchObject({ value: false, reason: 'SCOPED' });
    expect(client.isEnabled('live-flag', { user: 'bob' })).toBe(true);

    const res = await fetch(`${server.url}/api/v1/flags/live-flag`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await until(() => !client.engine.has('live-flag'), 10_000, 'deletion');
    expect(changes).toEqual([['live-flag'], ['live-flag'], ['live-flag']]);
  });

  it('receives every change made through the server API (the propagation time is logged, not asserted: benchmarks measure speed)', async () => {
    const client = open({ url: server.url });
    await client.ready();
    const timings: number[] = [];
    for (let i = 0; i < 7; i++) {
      // Alternately a new flag and a maintained value of an existing one.
      const key = i % 2 === 0 ? `timed-${i}` : 'checkout';
      const want = i % 2 === 0 || i % 4 === 3;
      let arrived = 0;
      const off = client.on('change', (keys) => {
        if (keys.includes(key)) arrived = performance.now();
      });
      // From the start of the API request to the client's `change` event.
      const start = performance.now();
      if (i % 2 === 0) await putFlag(server.url, boolFlag(key, true));
      else await postValues(server.url, [{ key, value: want }]);
      await until(() => arrived > 0, 10_000, `change ${i}`);
      timings.push(arrived - start);
      expect(client.isEnabled(key)).toBe(want);
      off();
    }
    const sorted = [...timings].sort((a, b) => a - b);
    console.log(`client propagation (request start → local state): ${timings.map((t) => t.toFixed(1)).join(', ')} ms; median ${sorted[3]!.toFixed(1)} ms`);
  });

  it('sends the API key and reports a refused one', async () => {
    const t = tempDir();
    const secured = await startTestServer({ store: `sqlite:${path.join(t.dir, 'auth.db')}`, env: { SWITCHYARD_API_KEYS: 'reader-key-0123456789:read' } });
    try {
      const good = open({ url: secured.url, apiKey: 'reader-key-0123456789' });
      await good.ready();
      expect(good.status).toBe('ready');
      const errors: Error[] = [];
      const bad = open({ url: secured.url, apiKey: 'wrong', reconnect: { initialDelayMs: 10_000 }, onError: (e) => errors.push(e) });
      const failure = await bad.ready().then(() => undefined, (e: unknown) => e);
      expect(failure).toBeInstanceOf(ServerResponseError);
      expect((failure as ServerResponseError).status).toBe(401);
      expect(bad.status).toBe('stale');
      expect(errors[0]).toBe(failure);
    } finally {
      await open.closeAll();
      await secured.close();
      t.remove();
    }
  });

  it('refuses an invalid URL with a precise error', () => {
    expect(() => createClient({ url: 'not a url' })).toThrow('"not a url" is not a valid server URL');
    expect(() => createClient({ url: 'ftp://x' })).toThrow('server URL must use http or https, got "ftp:"');
  });
});
