import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseServerConfig, startServer, type RunningServer } from '@switchyard/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, closedPort, EXAMPLES, ROOT, runCli, tempDir } from './run-cli';

const ADMIN = 'admin-key-for-tests';
const READER = 'read-key-for-tests';

describe('--server mode against a real server', () => {
  const temp = tempDir();
  let server: RunningServer;
  const cli = (...args: string[]) => runCli([...args, '--server', server.url, '--api-key', ADMIN]);

  beforeAll(async () => {
    const parsed = parseServerConfig(['--port', '0', '--store', `sqlite://${temp.dir}/server.db`, '--manifests', EXAMPLES, '--log-level', 'silent', '--no-watch'], {
      SWITCHYARD_API_KEYS: `${ADMIN}:admin,${READER}:read`,
    });
    if (!parsed.config) throw new Error(parsed.errors.join('; '));
    server = await startServer(parsed.config, { handleSignals: false });
  });

  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('lists manifest flags as read-only entries', async () => {
    const r = await cli('flags', 'list', '--json');
    expect(r.code).toBe(0);
    const flags = JSON.parse(r.stdout).flags as { definition: { key: string }; readOnly: boolean; source: string }[];
    expect(flags.find((f) => f.definition.key === 'new-checkout')).toMatchObject({ readOnly: true, source: 'manifest' });
    const get = await cli('flags', 'get', '/check/priority', '--json');
    expect(JSON.parse(get.stdout)).toMatchObject({ definition: { key: '/check/priority', type: 'number' }, readOnly: true });
  });

  it('creates, changes and deletes a stored flag', async () => {
    const created = await cli('flags', 'set', 'dark-mode', '--type', 'boolean', '--fallback', 'false', '--description', 'Dark theme');
    expect(created).toEqual({ code: 0, stdout: '✔ created dark-mode (version 1)\n', stderr: '' });
    const disabled = await cli('flags', 'disable', 'dark-mode');
    expect(disabled.stdout).toBe('✔ disabled dark-mode (version 2)\n');
    const stale = await cli('flags', 'set', 'dark-mode', '--fallback', 'true', '--expect-version', '1');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^error: .*version/);
    const evaluated = await cli('eval', 'dark-mode', '--json');
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ key: 'dark-mode', value: false, reason: 'DISABLED' });
    const deleted = await cli('flags', 'delete', 'dark-mode');
    expect(deleted).toEqual({ code: 0, stdout: '✔ deleted dark-mode\n', stderr: '' });
  });

  it('refuses to change manifest-defined flags', async () => {
    const r = await cli('flags', 'disable', 'new-checkout');
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: flag "new-checkout" is defined by a manifest on the server and cannot be changed here\n' });
  });

  it('sets maintained values and evaluates on the server', async () => {
    const set = await cli('values', 'set', '/check/priority', '5', '--scope', 'tenant=acme');
    expect(set).toEqual({ code: 0, stdout: '✔ set /check/priority at tenant=acme to 5\n', stderr: '' });
    const scoped = await cli('eval', '/check/priority', '-c', 'tenant=acme', '--json');
    expect(JSON.parse(scoped.stdout)).toMatchObject({ value: 5, reason: 'SCOPED' });
    const invalid = await cli('values', 'set', '/check/priority', '-3');
    expect(invalid.code).toBe(1);
    const targeted = await cli('eval', 'new-checkout', '--env', 'production', '-c', 'email=ann@example.com', '--json');
    expect(JSON.parse(targeted.stdout)).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    const all = await cli('eval', '--all', '--env', 'development', '--json');
    expect((JSON.parse(all.stdout) as unknown[]).length).toBeGreaterThanOrEqual(16);
    const missing = await cli('eval', 'no-such-flag');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: flag "no-such-flag" not found\n');
  });

  it('purges feature results through the API', async () => {
    const r = await cli('features', 'purge', '--except', 'billing', '--json');
    expect(r).toEqual({ code: 0, stdout: '{\n  "purged": 0\n}\n', stderr: '' });
  });

  it('reports missing and insufficient credentials as errors (exit 1)', async () => {
    const anonymous = await runCli(['flags', 'list', '--server', server.url]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^error: .+\n$/);
    const reader = await runCli(['flags', 'set', 'x', '--type', 'boolean', '--fallback', 'true', '--server', server.url], { env: { SWITCHYARD_API_KEY: READER } });
    expect(reader.code).toBe(1);
    expect(reader.stderr).toMatch(/^error: .+\n$/);
  });

  it('prefers --store on the command line over SWITCHYARD_SERVER from the environment', async () => {
    const r = await runCli(['flags', 'list', '--store', `sqlite://${temp.dir}/other.db`, '--create', '--json'], { env: { SWITCHYARD_SERVER: server.url } });
    expect(r).toEqual({ code: 0, stdout: '{\n  "flags": []\n}\n', stderr: `created the SQLite database ${temp.dir}/other.db\n` });
    const both = await runCli(['flags', 'list', '--store', 'memory:', '--server', server.url]);
    expect(both).toEqual({ code: 2, stdout: '', stderr: 'error: give either --store or --server, not both\n' });
  });
});

describe('switchyard serve', () => {
  it('serves until SIGTERM and exits 0', async () => {
    const temp = tempDir();
    const port = await closedPort();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--store', `sqlite://${temp.dir}/serve.db`, '--log-level', 'silent', '--no-watch'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 200; i++) {
        const up = await fetch(`${base}/api/v1/flags`).then((r) => r.ok, () => false);
        if (up) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const listed = await runCli(['flags', 'list', '--server', base, '--json']);
      expect(listed.code).toBe(0);
      // From the repository root the example manifests are served by default, as apps/server does.
      const flags = JSON.parse(listed.stdout).flags as { definition: { key: string } }[];
      expect(flags.map((f) => f.definition.key)).toContain('new-checkout');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGKILL');
      temp.remove();
    }
  }, 60_000);

  it('exits 2 on an invalid configuration', async () => {
    const r = await runCli(['serve', '--port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: invalid server configuration: --port must be a port number from 0 to 65535, got "abc"\n');
  });

  it('exits 3 when the store cannot be reached', async () => {
    const port = await closedPort();
    const r = await runCli(['serve', '--port', '0', '--store', `postgres://postgres@127.0.0.1:${port}/x`, '--log-level', 'silent', '--manifests', path.join(ROOT, 'examples/manifests')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: cannot start the server: cannot open store postgres:\/\/postgres@127\.0\.0\.1:\d+\/x: .+\n$/);
  });
});
