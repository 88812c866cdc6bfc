import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BIN, ROOT, runCli, tempDir } from './run-cli';

const FLAGS = 12_000;
const temp = tempDir();
let store = '';

beforeAll(async () => {
  // A store whose export is several megabytes.
  const lines = ['switchyard: 1', 'flags:'];
  for (let i = 0; i < FLAGS; i++) lines.push(`  flag-${i}:`, `    description: "${'a long description of this flag '.repeat(8)}${i}"`, '    fallback: false', '    tags: [team-a, team-b]');
  writeFileSync(path.join(temp.dir, 'big.yaml'), `${lines.join('\n')}\n`);
  store = `sqlite://${temp.dir}/big.db`;
  const imported = await runCli(['import', path.join(temp.dir, 'big.yaml'), '--store', store, '--create']);
  expect(imported.code, imported.stderr).toBe(0);
  // stderr is a pipe: progress, if the import took long enough to report any, is plain count lines.
  const [created, ...progress] = imported.stderr.split('\n').filter(Boolean);
  expect(created).toMatch(/^created the SQLite database /);
  for (const line of progress) expect(line).toMatch(/^import: [\d,]+\/[\d,]+ writes$/);
}, 120_000);
afterAll(() => temp.remove());

/** Runs the executable with stdout on a pipe read by `read`, and resolves with the exit code and stderr. */
function piped(args: string[], read: (stdout: NodeJS.ReadableStream) => Promise<unknown>): Promise<{ code: number | null; stderr: string; output: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const output = read(child.stdout);
    child.once('error', reject);
    child.once('close', (code) => void output.then((value) => resolve({ code, stderr, output: value }), reject));
  });
}

describe('output through a pipe is never cut', () => {
  it(`export of ${FLAGS} flags arrives whole through a pipe to a slow reader, and exits 0`, async () => {
    const { code, stderr, output } = await piped(['export', '--store', store], async (stdout) => {
      // A slow reader: the pipe fills up long before the export is written.
      const chunks: Buffer[] = [];
      for await (const chunk of stdout) {
        chunks.push(chunk as Buffer);
        if (chunks.length % 16 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      return Buffer.concat(chunks).toString('utf8');
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const text = output as string;
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
    const manifest = parseYaml(text) as { flags: Record<string, unknown> };
    expect(Object.keys(manifest.flags)).toHaveLength(FLAGS);
    expect(text.endsWith('\n')).toBe(true);
  }, 60_000);

  it('a reader that stops early (like `| head`) ends the command quietly', async () => {
    const { code, stderr } = await piped(['export', '--store', store], async (stdout) => {
      for await (const chunk of stdout) {
        void chunk;
        (stdout as unknown as { destroy(): void }).destroy();
        break;
      }
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it('--quiet leaves stderr empty on a long validate; without it, stderr holds only progress lines', async () => {
    const file = path.join(temp.dir, 'big.yaml');
    const quiet = await runCli(['validate', file, '--quiet']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain(`${FLAGS} flags: valid`);
    const plain = await runCli(['validate', file]);
    expect(plain.code).toBe(0);
    for (const line of plain.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^validate: [\d,]+\/[\d,]+ files$/);
  }, 60_000);
});
