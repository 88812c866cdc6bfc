import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVER_OPTIONS } from '@switchyard/server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const main = path.join(root, 'apps/server/src/main.ts');

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--conditions=@switchyard/source', '--import', 'tsx', main, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('switchyard-server', () => {
  it('stops on invalid configuration with one line and exit status 2', () => {
    const r = run(['--port', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['switchyard-server: invalid configuration: --port must be a port number from 0 to 65535, got "x"']);
  });

  it('refuses a public address without credentials', () => {
    const r = run(['--host', '0.0.0.0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^switchyard-server: invalid configuration: refusing to listen on 0\.0\.0\.0 without credentials/);
  });

  it('stops with exit status 1 when the manifests cannot be loaded', () => {
    const r = run(['--manifests', '/nonexistent/dir', '--store', 'memory:', '--log-level', 'silent']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('switchyard-server: cannot start: manifest directory /nonexistent/dir does not exist');
  });

  it('prints usage with --help', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: switchyard-server [options]');
    // Every option the server parses is in the usage text.
    const missing = Object.keys(SERVER_OPTIONS).filter((name) => !String(r.stdout).includes(`--${name}`));
    expect(missing).toEqual([]);
  });
});
