#!/usr/bin/env node
// Release check (`pnpm test:release`): what a user gets from the registry works. Builds the workspace,
// packs every public package with `pnpm pack` (which rewrites `workspace:` ranges as publishing does),
// installs the `switchyard` command's tarballs into an empty folder with npm, then runs
// `npx switchyard --version`, `switchyard validate` on a copy of the example manifests and
// `switchyard serve` until /health answers. Exits non-zero on the first failure.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const keep = process.argv.includes('--keep');
const skipBuild = process.argv.includes('--no-build');
const work = mkdtempSync(join(tmpdir(), 'switchyard-release-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(tarballs);
mkdirSync(app);

function step(title) {
  console.log(`\n--> ${title}`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  return result;
}

function fail(message) {
  console.error(`\ntest:release: ${message}\n(work folder kept: ${work})`);
  process.exit(1);
}

/** Every public workspace package, by name. */
function publicPackages() {
  const out = new Map();
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const file = join(root, group, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (!manifest.private) out.set(manifest.name, { dir: join(root, group, name), manifest });
    }
  }
  return out;
}

/** The package and the workspace packages it needs at run time (dependencies and required peers). */
function closure(name, packages, seen = new Set()) {
  if (seen.has(name) || !packages.has(name)) return seen;
  seen.add(name);
  const { manifest } = packages.get(name);
  const optional = manifest.peerDependenciesMeta ?? {};
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !optional[peer]?.optional);
  for (const dep of [...Object.keys(manifest.dependencies ?? {}), ...peers]) closure(dep, packages, seen);
  return seen;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const pnpm = process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath) ? [process.execPath, [process.env.npm_execpath]] : ['pnpm', []];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

if (!skipBuild) {
  step('build');
  run(pnpm[0], [...pnpm[1], 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root });
}

step('pack every public package');
const packages = publicPackages();
const files = new Map();
for (const [name, { dir }] of packages) {
  const before = new Set(readdirSync(tarballs));
  run(pnpm[0], [...pnpm[1], 'pack', '--pack-destination', tarballs], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const added = readdirSync(tarballs).filter((file) => !before.has(file));
  if (added.length !== 1) fail(`pnpm pack of ${name} produced ${added.length} tarballs`);
  files.set(name, join(tarballs, added[0]));
}
console.log(`${files.size} tarballs in ${tarballs}`);

step('npm install the switchyard command into an empty folder');
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'switchyard-release-check', private: true, type: 'module' }, null, 2));
const wanted = [...closure('@switchyard/cli', packages)].map((name) => files.get(name));
run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...wanted], { cwd: app });

step('npx switchyard --version');
const version = spawnSync(npx, ['--no-install', 'switchyard', '--version'], { cwd: app, encoding: 'utf8' });
if (version.status !== 0) fail(`switchyard --version failed:\n${version.stdout}${version.stderr}`);
const expected = packages.get('@switchyard/cli').manifest.version;
if (version.stdout.trim() !== expected) fail(`switchyard --version printed "${version.stdout.trim()}", expected ${expected}`);
console.log(version.stdout.trim());

step('switchyard validate (a copy of examples/manifests)');
cpSync(join(root, 'examples', 'manifests'), join(app, 'manifests'), { recursive: true });
run(npx, ['--no-install', 'switchyard', 'validate', 'manifests'], { cwd: app });

step('switchyard serve until /health answers');
const port = await freePort();
// The installed bin itself (not npx), so the stop signal reaches the server process.
const server = spawn(join(app, 'node_modules', '.bin', 'switchyard'), ['serve', '--port', String(port), '--manifests', 'manifests', '--store', 'memory:', '--no-watch', '--log-level', 'warn'], {
  cwd: app,
  stdio: ['ignore', 'inherit', 'inherit'],
});
let exited = null;
server.once('exit', (code, signal) => (exited = code ?? signal));
const deadline = Date.now() + 60_000;
let healthy = false;
while (!healthy && exited === null && Date.now() < deadline) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    healthy = response.ok;
    if (healthy) console.log(`/health: ${response.status} ${await response.text()}`);
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
if (!healthy) {
  server.kill('SIGKILL');
  fail(exited === null ? 'switchyard serve did not answer /health within 60 s' : `switchyard serve exited early (${exited})`);
}
await new Promise((resolve) => {
  server.once('exit', resolve);
  server.kill('SIGTERM');
});

if (!keep) rmSync(work, { recursive: true, force: true });
console.log('\ntest:release: packed, installed and ran the switchyard command');
