import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@switchyard/server';
import { AdminApiError, AdminNetworkError, AdminTimeoutError, createAdminClient, type AdminClient } from '../src/admin/index';
import { boolFlag, closedPort, startTestServer, tempDir } from './helpers';

const ADMIN_KEY = 'k-admin-0123456789abcdef';
const READ_KEY = 'k-read-0123456789abcdef';

let server: RunningServer;
let temp: ReturnType<typeof tempDir>;
let admin: AdminClient;

beforeAll(async () => {
  temp = tempDir('sy-admin-');
  server = await startTestServer({
    store: `sqlite:${path.join(temp.dir, 'flags.db')}`,
    env: { SWITCHYARD_API_KEYS: `${ADMIN_KEY}:admin,${READ_KEY}:read` },
  });
  admin = createAdminClient({ baseUrl: server.url, token: ADMIN_KEY });
});
afterAll(async () => {
  await server.close();
  temp.remove();
});

describe('createAdminClient against a running server', () => {
  it('creates, reads, lists and deletes a flag, honouring If-Match', async () => {
    const { flag } = await admin.putFlag(boolFlag('admin/checkout', true), { expectedVersion: 0 });
    expect(flag).toMatchObject({ version: 1, source: 'store', readOnly: false, definition: { key: 'admin/checkout' } });
    expect((await admin.getFlag('admin/checkout')).version).toBe(1);
    const stale = await admin.putFlag(boolFlag('admin/checkout', false), { expectedVersion: 7 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(AdminApiError);
    expect(stale).toMatchObject({ status: 409, code: 'CONFLICT' });
    await admin.putFlag(boolFlag('admin/dark', true, { enabled: false }));
    expect((await admin.listFlags()).flags.map((f) => f.definition.key)).toEqual(['admin/checkout']);
    expect((await admin.listFlags({ includeDisabled: 'true' })).flags.map((f) => f.definition.key)).toEqual(['admin/checkout', 'admin/dark']);
    expect(await admin.deleteFlag('admin/dark', { expectedVersion: 1 })).toEqual({ deleted: true });
  });

  it('updates values, evaluates with them and lists the audit trail', async () => {
    await admin.putFlag({ key: 'admin/limit', type: 'number', fallbackValue: 1 });
    await admin.updateValues({ updates: [{ key: 'admin/limit', value: 5, scope: { tenant: 't1' } }] });
    expect((await admin.listValues()).values['admin/limit']).toBeDefined();
    const { results } = await admin.evaluate({ context: { tenant: 't1' }, flags: ['admin/limit'] });
    expect(results).toEqual([expect.objectContaining({ key: 'admin/limit', value: 5 })]);
    const { entries } = await admin.listAudit({ key: 'admin/limit', limit: 1 });
    expect(entries).toEqual([expect.objectContaining({ action: 'values.update', key: 'admin/limit', actor: 'api-key#1' })]);
    expect(await admin.listFeatures()).toEqual({ features: [] });
    expect(await admin.purgeFeatures({})).toEqual({ purged: 0 });
    expect(await admin.whoami()).toMatchObject({ role: 'admin', via: 'api-key' });
  });

  it('refuses without a token with a typed 401', async () => {
    const anonymous = createAdminClient({ baseUrl: server.url });
    const err = await anonymous.listFlags().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminApiError);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('answers 403 to a read key that writes, and 404 NOT_FOUND for an unknown flag', async () => {
    const reader = createAdminClient({ baseUrl: server.url, headers: { authorization: `Bearer ${READ_KEY}` } });
    await expect(reader.putFlag(boolFlag('admin/nope', true))).rejects.toMatchObject({ name: 'AdminApiError', status: 403, code: 'FORBIDDEN' });
    await expect(admin.getFlag('admin/missing')).rejects.toMatchObject({ name: 'AdminApiError', status: 404, code: 'NOT_FOUND', message: 'flag "admin/missing" not found' });
  });

  it('reports a refused body as VALIDATION with every issue in details', async () => {
    const err = (await admin.updateValues({ updates: [{ key: '', value: 1 }] }).catch((e: unknown) => e)) as AdminApiError;
    expect(err).toBeInstanceOf(AdminApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe('VALIDATION');
    expect(err.details.length).toBeGreaterThan(0);
    expect(err.details[0]!.path).toEqual(expect.arrayContaining(['updates']));
    const query = await admin.listAudit({ limit: 5000 }).catch((e: unknown) => e);
    expect(query).toMatchObject({ status: 422, code: 'VALIDATION' });
  });

  it('tells an unreachable server from a server that does not answer in time', async () => {
    const port = await closedPort();
    const down = createAdminClient({ baseUrl: `http://127.0.0.1:${port}`, token: ADMIN_KEY });
    const refused = await down.whoami().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdminNetworkError);
    expect((refused as Error).message).toContain('ECONNREFUSED');

    // A peer that accepts the connection and never answers.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port: silentPort } = silent.address() as { port: number };
      const slow = createAdminClient({ baseUrl: `http://127.0.0.1:${silentPort}`, timeoutMs: 200 });
      const timedOut = await slow.whoami().catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(AdminTimeoutError);
      expect(timedOut).toMatchObject({ timeoutMs: 200 });
      // The caller's own abort is the caller's error, not a timeout.
      const controller = new AbortController();
      const pending = slow.listFlags({}, { signal: controller.signal }).catch((e: unknown) => e);
      controller.abort(new Error('user cancelled'));
      expect(await pending).toMatchObject({ message: 'user cancelled' });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
