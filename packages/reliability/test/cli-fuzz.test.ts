import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runs } from '../../../tooling/testing/property.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
const CI = process.env.CI === 'true' || process.env.CI === '1';
const RUNS = Number(process.env.FUZZ_RUNS) || 0;
// Each case starts a process (~250 ms), so the CLI gets a hundredth of FUZZ_RUNS.
const CLI_RUNS = RUNS ? Math.max(1, Math.floor(RUNS / 100)) : runs(24);
const built = existsSync(BIN);
if (!built) {
  if (CI) throw new Error(`${BIN} is missing: build apps/cli before the reliability tests (CI=true requires them)`);
  console.warn(`\n!!! SKIPPING CLI FUZZ: ${BIN} is not built (pnpm build)\n`);
}
const cwd = mkdtempSync(path.join(tmpdir(), 'sy-cli-fuzz-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** Runs the built CLI in a scratch directory (its default SQLite store lands there). */
function runCli(argv: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd, env: { PATH: process.env.PATH, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// Commands that serve or run workflows block or reach out; everything else is fair game.
const COMMANDS = ['validate', 'eval', 'flags', 'values', 'migrate', 'import', 'export', 'diff', 'features', 'help', 'nonsense'];
const SUBCOMMANDS = ['list', 'show', 'get', 'create', 'set', 'delete', 'clear', 'index', 'purge'];
const OPTIONS = ['--store', '--server', '--manifests', '--env', '-c', '--context', '--json', '--format', '--scope', '--key', '--value', '--yes', '--help', '-V', '--no-color', '--dry-run', '--'];
const VALUES = ['memory:', 'sqlite::memory:', 'redis://127.0.0.1:1', 'http://127.0.0.1:1', 'postgres://x@127.0.0.1:1/db', path.join(ROOT, 'examples/manifests'), '/nonexistent', 'country=DE', '{"a":', 'new-checkout', '', '-', '%%', '\u0000x'.slice(1)];
const token = fc.oneof(fc.constantFrom(...SUBCOMMANDS), fc.constantFrom(...OPTIONS), fc.constantFrom(...VALUES), fc.string({ maxLength: 12 }).filter((s) => !s.includes('\u0000')));
const argv = fc.tuple(fc.constantFrom(...COMMANDS), fc.array(token, { maxLength: 6 })).map(([command, rest]) => [command, ...rest]);

describe.skipIf(!built)('the switchyard CLI under generated argv', () => {
  it('always exits 0-3 and never prints a stack trace without --verbose', async () => {
    const seen: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const { code, stderr } = await runCli(args);
        seen[code ?? -1] = (seen[code ?? -1] ?? 0) + 1;
        expect([0, 1, 2, 3], `switchyard ${JSON.stringify(args)} → ${code}\n${stderr}`).toContain(code);
        expect(stderr, `switchyard ${JSON.stringify(args)}`).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m);
      }),
      { numRuns: CLI_RUNS },
    );
    console.log(`[fuzz] cli exit codes: ${JSON.stringify(seen)}`);
    // Each case is bounded by its own 15 s kill timer: the budget follows from the count, not from speed.
  }, CLI_RUNS * 15_000 + 10_000);
});
