import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import type { FlagDefinition } from '@switchyard/core';
import { createLogger, parseServerConfig, startServer, type RunningServer } from '@switchyard/server';
import { SwitchyardProvider } from '../src/index';
import { attach, closedPort, tempDir, until } from './helpers';

const flag = (key: string, value: boolean): FlagDefinition => ({ key, type: 'boolean', fallbackValue: false, defaultRule: { type: 'static', value } });

async function start(store: string, port = 0): Promise<RunningServer> {
  const parsed = parseServerConfig(['--port', String(port), '--store', store, '--log-level', 'silent'], {});
  if (parsed.errors) throw new Error(parsed.errors.join('; '));
  return startServer(parsed.config, { handleSignals: false, requestLogging: false, defaultMetrics: false, logger: createLogger('silent'), graceMs: 100 });
}

async function put(url: string, definition: FlagDefinition): Promise<void> {
  const res = await fetch(`${url}/api/v1/flags/${encodeURIComponent(definition.key)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(definition),
  });
  expect(res.status).toBe(200);
}

let temp: ReturnType<typeof tempDir>;
let storeUrl: string;
let server: RunningServer;
beforeAll(async () => {
  temp = tempDir();
  storeUrl = `sqlite:${path.join(temp.dir, 'flags.db')}`;
  server = await start(storeUrl);
  await put(server.url, flag('from-server', true));
  await put(server.url, { key: 'env-flag', type: 'string', fallbackValue: 'none', environments: { staging: { type: 'static', value: 'stg' } }, defaultRule: { type: 'static', value: 'dflt' } });
});
afterEach(async () => {
  await OpenFeature.clearProviders();
});
afterAll(async () => {
  await server.close();
  temp.remove();
});

describe('SwitchyardProvider with a Switchyard server', () => {
  it('evaluates the server snapshot in process, with the environment option as default', async () => {
    const { client } = await attach(new SwitchyardProvider({ server: server.url, environment: 'staging' }));
    expect(await client.getBooleanValue('from-server', false)).toBe(true);
    expect(await client.getStringValue('env-flag', 'x')).toBe('stg');
    expect(await client.getStringValue('env-flag', 'x', { environment: 'production' })).toBe('dflt');
  });

  it('delivers every change made through the server API (the propagation time is logged, not asserted: benchmarks measure speed)', async () => {
    const { client, events } = await attach(new SwitchyardProvider({ server: server.url }));
    const timings: number[] = [];
    for (let i = 0; i < 7; i++) {
      const key = `timed-${i}`;
      const mark = events.length;
      const startAt = performance.now();
      await put(server.url, flag(key, true));
      await until(() => events.length > mark, 10_000, `change of ${key}`);
      timings.push(events[mark]!.at - startAt);
      expect(events.slice(mark)).toMatchObject([{ type: ProviderEvents.ConfigurationChanged, flagsChanged: [key] }]);
      expect(await client.getBooleanValue(key, false)).toBe(true);
    }
    const median = [...timings].sort((a, b) => a - b)[3]!;
    console.log(`server → provider (PUT start → PROVIDER_CONFIGURATION_CHANGED): ${timings.map((t) => t.toFixed(1)).join(', ')} ms; median ${median.toFixed(1)} ms`);
  });

  it('goes stale when the server is lost, serves the last snapshot, and is ready again after a restart', async () => {
    const t = tempDir();
    const url = `sqlite:${path.join(t.dir, 'restart.db')}`;
    let own = await start(url);
    const port = Number(new URL(own.url).port);
    await put(own.url, flag('survivor', true));
    const { client, events } = await attach(new SwitchyardProvider({ server: { url: own.url, reconnect: { initialDelayMs: 20, maxDelayMs: 100 } } }));
    try {
      await own.close();
      await until(() => events.some((e) => e.type === ProviderEvents.Stale), 10_000, 'stale');
      expect(client.providerStatus).toBe(ProviderStatus.STALE);
      expect(await client.getBooleanDetails('survivor', false)).toMatchObject({ value: true, reason: 'STATIC' });

      own = await start(url, port);
      await until(() => client.providerStatus === ProviderStatus.READY, 10_000, 'ready after restart');
      const mark = events.length;
      await put(own.url, flag('after-restart', true));
      await until(() => events.slice(mark).some((e) => e.flagsChanged?.includes('after-restart')), 10_000, 'change after restart');
      expect(await client.getBooleanValue('after-restart', false)).toBe(true);
    } finally {
      await own.close();
      t.remove();
    }
  });

  it('starts from a bootstrap file when the server is down: READY, then STALE', async () => {
    const t = tempDir();
    const file = path.join(t.dir, 'bootstrap.json');
    writeFileSync(file, JSON.stringify({ definitions: [flag('boot', true)] }));
    const provider = new SwitchyardProvider({ server: { url: `http://127.0.0.1:${await closedPort()}`, bootstrap: file, reconnect: { initialDelayMs: 5000 } } });
    const { client, events } = await attach(provider);
    await until(() => events.some((e) => e.type === ProviderEvents.Stale), 10_000, 'stale');
    expect(client.providerStatus).toBe(ProviderStatus.STALE);
    expect(await client.getBooleanValue('boot', false)).toBe(true);
    t.remove();
  });

  it('fails initialization when the server is down and there is no bootstrap, then becomes ready when it appears', async () => {
    const port = await closedPort();
    const provider = new SwitchyardProvider({ server: { url: `http://127.0.0.1:${port}`, reconnect: { initialDelayMs: 20, maxDelayMs: 50 } } });
    await expect(OpenFeature.setProviderAndWait('no-server', provider)).rejects.toThrow(/ECONNREFUSED/);
    const client = OpenFeature.getClient('no-server');
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    expect(await client.getBooleanDetails('late', true)).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND' });

    const t = tempDir();
    const late = await start(`sqlite:${path.join(t.dir, 'late.db')}`, port);
    try {
      await put(late.url, flag('late', false));
      await until(() => client.providerStatus === ProviderStatus.READY, 10_000, 'ready');
      await until(() => provider.engine.has('late'), 10_000, 'late flag');
      expect(await client.getBooleanDetails('late', true)).toMatchObject({ value: false, reason: 'STATIC' });
    } finally {
      await OpenFeature.clearProviders();
      await late.close();
      t.remove();
    }
  });
});
