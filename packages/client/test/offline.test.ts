import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '@switchyard/core';
import { openStore } from '@switchyard/stores';
import { createClient, ServerUnavailableError, type ClientSnapshot } from '../src/index';
import { boolFlag, clientsClosedAfterEach, closedPort, putFlag, startSqliteServer, startTestServer, tempDir, until } from './helpers';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});
// Registered last so that it runs first: clients close before the servers and files they use go.
const open = clientsClosedAfterEach();

const bootstrap: ClientSnapshot = {
  definitions: [boolFlag('boot-flag', true), { key: 'tier', type: 'string', fallbackValue: 'free' }],
  values: { tier: { rootValue: 'gold', scopedValues: { 'user::alice': 'platinum' } } },
};

describe('bootstrap and offline serving', () => {
  it('serves a bootstrap object while the server is unreachable', async () => {
    const port = await closedPort();
    const stale: Error[] = [];
    const client = open({ url: `http://127.0.0.1:${port}`, bootstrap, reconnect: { initialDelayMs: 50, maxDelayMs: 100 } });
    client.on('stale', (e) => stale.push(e));
    // Served from the first call, before any network answer.
    expect(client.isEnabled('boot-flag')).toBe(true);
    await client.ready();
    expect(client.status).toBe('stale');
    expect(stale[0]).toBeInstanceOf(ServerUnavailableError);
    expect(stale[0]!.message).toContain('ECONNREFUSED');
    expect(client.getValue('tier', 'none')).toBe('gold');
    expect(client.evaluate('tier', { user: 'alice' })).toMatchObject({ value: 'platinum', reason: 'SCOPED' });
  });

  it('rejects ready() when there is nothing to serve, and keeps retrying until the server appears', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const port = await closedPort();
    const client = open({ url: `http://127.0.0.1:${port}`, reconnect: { initialDelayMs: 20, maxDelayMs: 50 } });
    await expect(client.ready()).rejects.toBeInstanceOf(ServerUnavailableError);
    expect(client.evaluate('x')).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
    const server = await startTestServer({ store: `sqlite:${path.join(t.dir, 'late.db')}`, port });
    cleanups.push(() => server.close());
    await putFlag(server.url, boolFlag('late', true));
    await until(() => client.status === 'ready' && client.isEnabled('late'), 10_000, 'late server');
  });

  it('reads a bootstrap file, and reports an invalid one precisely', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const port = await closedPort();
    const file = path.join(t.dir, 'bootstrap.json');
    writeFileSync(file, JSON.stringify(bootstrap));
    const client = open({ url: `http://127.0.0.1:${port}`, bootstrap: file, reconnect: { initialDelayMs: 1000 } });
    await client.ready();
    expect(client.isEnabled('boot-flag')).toBe(true);

    const bad = path.join(t.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ definitions: [{ key: 'b', type: 'boolean', fallbackValue: 'nope' }] }));
    const errors: Error[] = [];
    const broken = open({ url: `http://127.0.0.1:${port}`, bootstrap: bad, reconnect: { initialDelayMs: 1000 }, onError: (e) => errors.push(e) });
    await expect(broken.ready()).rejects.toBeInstanceOf(ServerUnavailableError);
    expect(errors[0]).toBeInstanceOf(ValidationError);
    expect(errors[0]!.message).toContain('fallbackValue');

    const shape = path.join(t.dir, 'shape.json');
    writeFileSync(shape, JSON.stringify({ definitions: {}, values: { k: { rootValue: null } } }));
    const errors2: Error[] = [];
    open({ url: `http://127.0.0.1:${port}`, bootstrap: shape, reconnect: { initialDelayMs: 1000 }, onError: (e) => errors2.push(e) });
    await until(() => errors2.length > 0);
    expect((errors2[0] as ValidationError).issues).toEqual([
      { path: ['definitions'], message: `${shape}: expected an array of flag definitions` },
      { path: ['values', 'k', 'rootValue'], message: `${shape}: not a flag value` },
    ]);
  });

  it('throws a ValidationError for an invalid bootstrap object', () => {
    expect(() => createClient({ url: 'http://127.0.0.1:1', bootstrap: { definitions: [{ key: 'a b', type: 'boolean', fallbackValue: true }] } })).toThrow(ValidationError);
  });

  it('keeps a snapshot file and starts from it when the server is down', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const snapshotFile = path.join(t.dir, 'cache', 'snapshot.json');
    const server = await startTestServer({ store: `sqlite:${path.join(t.dir, 'flags.db')}` });
    await putFlag(server.url, boolFlag('persisted', true));
    const first = open({ url: server.url, snapshotFile });
    await first.ready();
    await first.close();
    const saved = JSON.parse(readFileSync(snapshotFile, 'utf8')) as ClientSnapshot & { savedAt: string };
    expect(saved.definitions.map((d) => d.key)).toEqual(['persisted']);
    await server.close();

    // The file wins over the (older) bootstrap.
    const second = open({ url: server.url, snapshotFile, bootstrap, reconnect: { initialDelayMs: 1000 } });
    await second.ready();
    expect(second.status).toBe('stale');
    expect(second.isEnabled('persisted')).toBe(true);
    expect(second.engine.has('boot-flag')).toBe(false);
  });
});

describe('server outage and restart', () => {
  it('never fails an evaluation during the outage and catches up after a restart on the same port and store', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const storeUrl = `sqlite:${path.join(t.dir, 'flags.db')}`;
    let server = await startTestServer({ store: storeUrl });
    const port = Number(new URL(server.url).port);
    await putFlag(server.url, boolFlag('steady', true));
    await putFlag(server.url, { key: 'color', type: 'string', fallbackValue: 'grey', defaultRule: { type: 'static', value: 'blue' } });

    const requests: { url: string; lastEventId: string | null }[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      requests.push({ url: input instanceof Request ? input.url : String(input), lastEventId: new Headers(init?.headers).get('Last-Event-ID') });
      return fetch(input, init);
    };
    const client = open({ url: server.url, fetch: recordingFetch, reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
    await client.ready();
    await putFlag(server.url, { key: 'color', type: 'string', fallbackValue: 'grey', defaultRule: { type: 'static', value: 'green' } });
    await until(() => client.getValue('color', 'x') === 'green');

    let evaluations = 0;
    let failures = 0;
    const ticker = setInterval(() => {
      evaluations++;
      const r = client.evaluate('steady', { targetingKey: `u${evaluations}` });
      if (r.errorCode !== undefined || r.value !== true) failures++;
    }, 2);
    try {
      const statuses: string[] = [];
      client.on('stale', () => statuses.push('stale'));
      client.on('ready', () => statuses.push('ready'));
      await server.close();
      await until(() => client.status === 'stale', 10_000, 'stale');

      // Changed in the store while no server runs: nobody can tell the client.
      const store = await openStore(storeUrl);
      await store.upsertFlag({ key: 'color', type: 'string', fallbackValue: 'grey', defaultRule: { type: 'static', value: 'red' } });
      await store.close();
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(client.getValue('color', 'x')).toBe('green');
      const during = evaluations;

      server = await startTestServer({ store: storeUrl, port });
      cleanups.push(() => server.close());
      await until(() => client.status === 'ready' && client.getValue('color', 'x') === 'red', 10_000, 'resync after restart');
      // A draining server may still answer a stream request on a kept-alive connection, so the
      // client can flap once more before the restart; it always ends synchronized.
      expect(statuses[0]).toBe('stale');
      expect(statuses.at(-1)).toBe('ready');

      // Live again: a change through the new server arrives.
      await putFlag(server.url, boolFlag('after-restart', true));
      await until(() => client.isEnabled('after-restart'), 10_000, 'change after restart');
      expect(during).toBeGreaterThan(20);
    } finally {
      clearInterval(ticker);
    }
    expect(failures).toBe(0);

    // The reconnection resumed from the last event seen (the new server answered with `reset`).
    const streams = requests.filter((r) => r.url.endsWith('/v1/stream'));
    expect(streams[0]!.lastEventId).toBeNull();
    expect(streams.at(-1)!.lastEventId).toMatch(/^[0-9a-f]{8}-\d+$/);
  });

  it('resumes with Last-Event-ID without reloading when nothing was missed', async () => {
    const { server, stop } = await startSqliteServer();
    cleanups.push(stop);
    await putFlag(server.url, boolFlag('a', true));
    const urls: string[] = [];
    const client = open({ url: server.url, fetch: (input, init) => (urls.push(input instanceof Request ? input.url : String(input)), fetch(input, init)), reconnect: { initialDelayMs: 20, maxDelayMs: 40 } });
    await client.ready();
    await putFlag(server.url, boolFlag('b', true));
    await until(() => client.isEnabled('b'));
    const snapshotsBefore = urls.filter((u) => u.includes('/api/v1/flags')).length;
    // Events, not polling: the first retry is immediate, so `stale` may last less than a poll interval.
    const events: string[] = [];
    client.on('stale', () => events.push('stale'));
    client.on('ready', () => events.push('ready'));
    const staleCount = () => events.filter((e) => e === 'stale').length;

    // Drop every connection; the server keeps running.
    server.server.closeAllConnections();
    await until(() => staleCount() === 1 && events.at(-1) === 'ready' && client.status === 'ready', 10_000, 'stale, then ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(urls.filter((u) => u.includes('/api/v1/flags')).length).toBe(snapshotsBefore);

    // Missed while disconnected: replayed after Last-Event-ID, then reloaded.
    server.server.closeAllConnections();
    await until(() => staleCount() === 2, 10_000, 'stale');
    await putFlag(server.url, boolFlag('c', true));
    await until(() => client.isEnabled('c'), 10_000, 'replayed change');
  });

  it('reconnects when the stream stays silent longer than idleTimeoutMs', async () => {
    const { server, stop } = await startSqliteServer();
    cleanups.push(stop);
    await putFlag(server.url, boolFlag('a', true));
    const stale: Error[] = [];
    // The server's heartbeat comes every 15 s, so 150 ms of silence trips the timeout.
    const client = open({ url: server.url, idleTimeoutMs: 150, reconnect: { initialDelayMs: 10, maxDelayMs: 20 } });
    client.on('stale', (e) => stale.push(e));
    await client.ready();
    await until(() => stale.length > 0, 10_000, 'idle timeout');
    expect(stale[0]!.message).toBe('no data on the event stream for 150 ms');
    await until(() => client.status === 'ready', 10_000, 'reconnected');
    expect(client.isEnabled('a')).toBe(true);
  });
});
