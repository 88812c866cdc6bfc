import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { createLogger, parseServerConfig, startServer, type RunningServer } from '@switchyard/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfrepProvider } from '../src/index';
import { closedPort, tempDir } from './helpers';

let temp: ReturnType<typeof tempDir>;
let server: RunningServer;
let client: Client;

beforeAll(async () => {
  temp = tempDir('sy-ofrep-');
  writeFileSync(
    path.join(temp.dir, 'flags.json'),
    JSON.stringify({
      flags: {
        off: { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' },
        'no-default': { state: 'ENABLED', variants: { a: 'A' }, targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'a', null] } },
        count: { state: 'ENABLED', variants: { ten: 10 }, defaultVariant: 'ten', metadata: { owner: 'ops' } },
      },
    }),
  );
  const parsed = parseServerConfig(['--port', '0', '--manifests', temp.dir, '--store', 'memory:', '--log-level', 'silent'], {});
  if (parsed.errors) throw new Error(parsed.errors.join('; '));
  server = await startServer(parsed.config, { handleSignals: false, requestLogging: false, defaultMetrics: false, logger: createLogger('silent'), graceMs: 100 });
  await OpenFeature.setProviderAndWait('ofrep-provider-test', new OfrepProvider({ baseUrl: server.url }));
  client = OpenFeature.getClient('ofrep-provider-test');
});

afterAll(async () => {
  await OpenFeature.clearProviders();
  await server.close();
  temp.remove();
});

describe('OfrepProvider (ADR-0006)', () => {
  it('an answer without a value serves the caller default with the server reason, without an error', async () => {
    const off = await client.getBooleanDetails('off', false);
    expect(off).toMatchObject({ value: false, reason: 'DISABLED' });
    expect(off.errorCode).toBeUndefined();
    expect(await client.getStringDetails('no-default', 'mine', { plan: 'free' })).toMatchObject({ value: 'mine', reason: 'DEFAULT' });
    expect(await client.getStringDetails('no-default', 'mine', { plan: 'pro' })).toMatchObject({ value: 'A', reason: 'TARGETING_MATCH', variant: 'a' });
  });

  it('values, metadata and errors', async () => {
    expect(await client.getNumberDetails('count', 0)).toMatchObject({ value: 10, reason: 'STATIC', flagMetadata: { owner: 'ops' } });
    expect(await client.getStringDetails('count', 'x')).toMatchObject({ value: 'x', errorCode: 'TYPE_MISMATCH' });
    expect(await client.getBooleanDetails('missing', true)).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND' });
  });

  it('an unreachable server is an error with the caller default', async () => {
    const port = await closedPort();
    await OpenFeature.setProviderAndWait('ofrep-unreachable', new OfrepProvider({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 }));
    const r = await OpenFeature.getClient('ofrep-unreachable').getBooleanDetails('x', true);
    expect(r).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'GENERAL' });
  });
});
