import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BIN, ROOT } from './run-cli';

/**
 * Builds the executable and everything it loads at run time, once per test run. Turbo skips
 * packages whose sources did not change, so this costs a second when the build is current
 * (always the case under `pnpm test`, which builds first).
 */
export default function setup(): void {
  const result = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@switchyard/cli...', '--output-logs=errors-only'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
  if (result.status !== 0 || !existsSync(BIN)) {
    throw new Error(`building the switchyard executable failed:\n${result.stdout}\n${result.stderr}`);
  }
}
