import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@switchyard/server';
import { createRemoteClient, ServerUnavailableError } from '../src/index';
import { boolFlag, closedPort, putFlag, startSqliteServer } from './helpers';

let server: RunningServer;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ server, stop } = await startSqliteServer());
  await putFlag(server.url, boolFlag('remote-on', true));
  await putFlag(server.url, {
    key: 'split',
    type: 'string',
    fallbackValue: 'A',
    environments: { staging: { type: 'static', value: 'staging-value', variant: 'stg' } },
    defaultRule: { type: 'variant', variants: [{ value: 'A', weight: 50 }, { value: 'B', weight: 50 }] },
  });
  await putFlag(server.url, { key: 'path/with/slashes', type: 'number', fallbackValue: 7 });
});
afterAll(() => stop());

describe('RemoteClient (OFREP)', () => {
  it('evaluates on the server with the typed API', async () => {
    const remote = createRemoteClient({ url: server.url });
    expect(await remote.isEnabled('remote-on')).toBe(true);
    expect(await remote.getValue('path/with/slashes', 0)).toBe(7);
    expect(await remote.getValue('remote-on', 'text')).toBe('text');
    expect(await remote.getDetails('remote-on', 'text')).toMatchObject({ reason: 'ERROR', errorCode: 'TYPE_MISMATCH', value: 'text' });
    const split = await remote.evaluate('split', { targetingKey: 'user-1' });
    expect(split.reason).toBe('SPLIT');
    expect(['A', 'B']).toContain(split.value);
    expect(split.variant).toBe(split.value);
    expect(await remote.evaluate('nope')).toMatchObject({ key: 'nope', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', value: undefined });
    const all = await remote.evaluateAll({ targetingKey: 'user-1' });
    expect(all.map((r) => r.key).sort()).toEqual(['path/with/slashes', 'remote-on', 'split']);
  });

  it('sends the environment option unless the context names one', async () => {
    const remote = createRemoteClient({ url: server.url, environment: 'staging' });
    expect(await remote.evaluate('split')).toMatchObject({ value: 'staging-value', variant: 'stg', reason: 'STATIC' });
    expect((await remote.evaluate('split', { targetingKey: 'u', environment: 'production' })).reason).toBe('SPLIT');
  });

  it('returns the default with GENERAL when the server is unreachable, and rejects evaluateAll', async () => {
    const remote = createRemoteClient({ url: `http://127.0.0.1:${await closedPort()}` });
    const r = await remote.getDetails('remote-on', true);
    expect(r).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'GENERAL' });
    expect(r.errorMessage).toContain('ECONNREFUSED');
    await expect(remote.evaluateAll()).rejects.toBeInstanceOf(ServerUnavailableError);
  });
});
