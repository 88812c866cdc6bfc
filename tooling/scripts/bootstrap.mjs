#!/usr/bin/env node
// Makes `npm start`, `npm test`, `npm run build|typecheck|lint` work on a machine with only Node.js 20
// and npm: it fetches the pinned pnpm through corepack (bundled with Node), installs the workspace when
// the lockfile changed, builds what is stale where the task runs built code (turbo caches the rest),
// then runs the requested task. Under pnpm (`pnpm test`) the same steps are cheap no-ops.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const task = process.argv[2] ?? 'setup';
// `pnpm test -- --project core` forwards the `--` separator; the task's own arguments follow it.
const passthrough = process.argv.slice(3).filter((arg, i) => !(i === 0 && arg === '--'));
const env = {
  ...process.env,
  COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

// turbo looks up the package manager named in package.json on PATH; a machine with only Node.js has
// no `pnpm` there, so put corepack's pnpm shim (a link into Node's own corepack) in a local folder first.
function ensurePnpmOnPath() {
  const shimDir = join(root, '.cache', 'bin');
  if (!existsSync(join(shimDir, 'pnpm'))) {
    mkdirSync(shimDir, { recursive: true });
    const result = spawnSync('corepack', ['enable', 'pnpm', '--install-directory', shimDir], { cwd: root, stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error('switchyard: could not create the pnpm shim with corepack; install pnpm 10 or run `corepack enable`');
      process.exit(1);
    }
  }
  env.PATH = `${shimDir}${process.platform === 'win32' ? ';' : ':'}${env.PATH ?? ''}`;
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.error) {
    console.error(`switchyard: could not run ${cmd}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function pnpm(args) {
  const agent = process.env.npm_config_user_agent ?? '';
  if (agent.startsWith('pnpm/')) return run(process.env.npm_execpath ? process.execPath : 'pnpm', process.env.npm_execpath ? [process.env.npm_execpath, ...args] : args);
  // corepack ships with Node 20 and reads the pinned version (and its hash) from package.json.
  return run('corepack', ['pnpm', ...args]);
}

function installIsStale() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  if (!existsSync(marker)) return true;
  const lock = join(root, 'pnpm-lock.yaml');
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs;
}

/** Tasks that are turbo runs themselves; turbo builds what they depend on, so no build step before them. */
const TURBO_TASKS = new Set(['build', 'typecheck', 'lint']);
const TASKS = ['setup', 'start', ...TURBO_TASKS, 'test', 'fuzz', 'bench'];

// An unknown task is refused before anything is installed or built.
if (!TASKS.includes(task)) {
  console.error(`switchyard: unknown task "${task}" (expected ${TASKS.join(', ')})`);
  process.exit(2);
}

ensurePnpmOnPath();
if (installIsStale()) pnpm(['install', '--frozen-lockfile']);
if (!TURBO_TASKS.has(task)) pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
switch (task) {
  case 'setup':
    break;
  case 'build':
  case 'typecheck':
    // Extra arguments go to turbo: `npm run typecheck -- --filter=@switchyard/core`.
    pnpm(['exec', 'turbo', 'run', task, ...passthrough]);
    break;
  case 'lint':
    pnpm(['exec', 'turbo', 'run', 'lint', ...passthrough]);
    run(process.execPath, [join(root, 'tooling', 'scripts', 'long-functions.mjs')]);
    break;
  case 'test':
    pnpm(['exec', 'vitest', 'run', ...passthrough]);
    break;
  case 'fuzz': {
    // The wider property run: a fresh seed (printed, so a failure can be replayed with FC_SEED) and
    // ten times the runs of the fixed-seed `test` task. Never part of CI's pass/fail.
    env.FC_SEED ??= String(Math.floor(Math.random() * 2 ** 31));
    env.FC_RUNS_FACTOR ??= '10';
    console.log(`switchyard: fuzzing with FC_SEED=${env.FC_SEED} FC_RUNS_FACTOR=${env.FC_RUNS_FACTOR}`);
    pnpm(['exec', 'vitest', 'run', ...passthrough]);
    break;
  }
  case 'bench':
    pnpm(['exec', 'tsx', '--conditions=@switchyard/source', 'bench/run.ts', ...passthrough]);
    break;
  case 'start': {
    const start = pkg.switchyard?.start;
    if (!start) throw new Error('package.json has no switchyard.start command');
    run(process.execPath, [...start, ...passthrough]);
    break;
  }
}
