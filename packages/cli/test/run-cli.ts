import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The published executable (`bin.switchyard` of @switchyard/cli), run from its build. */
export const BIN = path.join(ROOT, 'packages/cli/bin/switchyard.js');
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const EXAMPLES = path.join(ROOT, 'examples/manifests');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Variables that would change the CLI's behaviour if they leaked in from the developer's shell. */
const SCRUBBED = /^(NO_COLOR|FORCE_COLOR|SWITCHYARD_.*|PORT|HOST|NODE_ENV|DEFAULT_DATA_SOURCE|FLAGS_.*)$/;

/** Runs the built executable as a subprocess and collects its output and exit code. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.test(k)) env[k] = v;
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A temporary directory removed by the returned function. */
export function tempDir(prefix = 'switchyard-cli-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A loopback port nothing listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
