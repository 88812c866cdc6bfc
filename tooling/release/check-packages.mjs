#!/usr/bin/env node
// Package quality gate (`pnpm check:packages`): every public workspace package is packed with `pnpm pack`
// (exactly what `pnpm publish` uploads, after the root .pnpmfile.cjs's beforePacking hook) and its tarball is
// checked by publint --strict, by Are the Types Wrong (@arethetypeswrong/cli) and by the manifest rules below.
// Run it after a build. Prints one summary line per package; exits non-zero when any package has a problem.
//   node tooling/release/check-packages.mjs [@switchyard/name ...] [--keep]
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = new Set(args.filter((arg) => !arg.startsWith('--')));
const work = mkdtempSync(join(tmpdir(), 'switchyard-check-packages-'));

/** The export condition that points workspace tools at TypeScript sources; the pnpmfile strips it at pack time. */
const SOURCE_CONDITION = '@switchyard/source';

/**
 * Are the Types Wrong findings accepted for one package, with the reason. Keep each entry as narrow as the
 * finding: one package, the exact rules, and why it cannot be fixed in the package itself.
 * @type {Record<string, { profile?: 'strict' | 'node16' | 'esm-only', ignoreRules?: string[], excludeEntrypoints?: string[], reason: string }>}
 */
const ATTW_EXCEPTIONS = {
  '@switchyard/cli': {
    profile: 'esm-only',
    reason: 'ESM only on purpose: code splitting lets each command load its drivers only when it runs (see tsup.config.ts).',
  },
  '@switchyard/console': {
    profile: 'esm-only',
    reason: 'ESM only: index.js locates the built app with import.meta.url; its one consumer, the server, is loaded from ESM.',
  },
  '@switchyard/cds': {
    excludeEntrypoints: ['./cds-plugin', './index.cds'],
    reason: 'cds-plugin.cjs and index.cds are read by the CAP runtime and compiler, not imported from TypeScript.',
  },
};

const execFileAsync = promisify(execFile);
const pnpm = process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath) ? [process.execPath, [process.env.npm_execpath]] : ['corepack', ['pnpm']];
const attwBin = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');

/** Every public workspace package: name, folder and manifest. */
function publicPackages() {
  const out = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const file = join(root, group, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (manifest.private) continue;
      if (only.size > 0 && !only.has(manifest.name)) continue;
      out.push({ name: manifest.name, dir: join(root, group, name), manifest });
    }
  }
  return out;
}

/** `pnpm pack` into a folder of its own; returns the tarball's path. */
function pack(pkg) {
  const dest = join(work, pkg.name.replace('/', '+'));
  mkdirSync(dest, { recursive: true });
  const result = spawnSync(pnpm[0], [...pnpm[1], 'pack', '--pack-destination', dest], { cwd: pkg.dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pnpm pack failed:\n${result.stdout}${result.stderr}`);
  const tarballs = readdirSync(dest).filter((file) => file.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`pnpm pack produced ${tarballs.length} tarballs`);
  return join(dest, tarballs[0]);
}

/** Unpacks a tarball next to it; returns the unpacked folder (npm tarballs hold one `package/` folder). */
function unpack(tarball) {
  const dest = dirname(tarball);
  const result = spawnSync('tar', ['-xzf', tarball, '-C', dest], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tar could not unpack ${tarball}: ${result.stderr}`);
  return join(dest, 'package');
}

/** Every file path in an export target tree (strings at any depth; `null` excludes a path). */
function exportTargets(entry, out = []) {
  if (typeof entry === 'string') out.push(entry);
  else if (Array.isArray(entry)) for (const item of entry) exportTargets(item, out);
  else if (entry && typeof entry === 'object') for (const value of Object.values(entry)) exportTargets(value, out);
  return out;
}

/** Whether an exports tree still names a condition. */
function hasCondition(entry, condition) {
  if (Array.isArray(entry)) return entry.some((item) => hasCondition(item, condition));
  if (!entry || typeof entry !== 'object') return false;
  return Object.entries(entry).some(([key, value]) => key === condition || hasCondition(value, condition));
}

/** Rules publint leaves to the publisher: the metadata a registry page and a bundler rely on. */
function manifestProblems(pkg, packed, unpacked) {
  const problems = [];
  const folder = relative(root, pkg.dir).split('\\').join('/');
  if (typeof packed.license !== 'string' || packed.license === '') problems.push('license: missing');
  else if (!existsSync(join(unpacked, 'LICENSE'))) problems.push('LICENSE: not in the tarball');
  if (typeof packed.engines?.node !== 'string') problems.push('engines.node: missing');
  if (typeof packed.sideEffects !== 'boolean' && !Array.isArray(packed.sideEffects)) problems.push('sideEffects: missing (false, true or a list of files)');
  if (!Array.isArray(packed.files) || packed.files.length === 0) problems.push('files: missing (the tarball would hold the whole folder)');
  const repo = packed.repository;
  if (!repo || typeof repo !== 'object' || repo.type !== 'git' || typeof repo.url !== 'string' || !repo.url) {
    problems.push('repository: missing or not { "type": "git", "url": ..., "directory": ... }');
  } else if (repo.directory !== folder) {
    problems.push(`repository.directory: "${repo.directory}", expected "${folder}"`);
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(packed[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${dep}: "${range}" was not rewritten at pack time`);
    }
  }
  if (hasCondition(packed.exports, SOURCE_CONDITION)) problems.push(`exports: still names the "${SOURCE_CONDITION}" condition (src/ is not published)`);
  const targets = [
    ...exportTargets(packed.exports),
    ...['main', 'module', 'types'].map((field) => packed[field]).filter((value) => typeof value === 'string'),
    ...(typeof packed.bin === 'string' ? [packed.bin] : Object.values(packed.bin ?? {})),
  ];
  for (const target of new Set(targets)) {
    if (target.includes('*')) continue;
    const file = join(unpacked, target);
    if (!existsSync(file) || !statSync(file).isFile()) problems.push(`${target}: named by the manifest but not in the tarball`);
  }
  return problems;
}

/** publint --strict on the tarball: warnings count as errors, suggestions are printed but pass. */
async function publintProblems(tarball, packed) {
  const buffer = readFileSync(tarball);
  const arrayBuffer = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  const { messages } = await publint({ pack: { tarball: arrayBuffer }, strict: true, level: 'suggestion' });
  const format = (msg) => `publint ${msg.code}: ${formatMessage(msg, packed, { color: false })}`;
  return {
    problems: messages.filter((msg) => msg.type !== 'suggestion').map(format),
    notes: messages.filter((msg) => msg.type === 'suggestion').map(format),
  };
}

/** The resolutions each attw profile leaves out (as in the CLI's profiles). */
const PROFILE_SKIPS = { strict: [], node16: ['node10'], 'esm-only': ['node10', 'node16-cjs'] };

/** Are the Types Wrong on the tarball: every entry point under every module resolution the profile models. */
async function attwProblems(name, tarball) {
  const exception = ATTW_EXCEPTIONS[name];
  const profile = exception?.profile ?? 'strict';
  const ignoreRules = exception?.ignoreRules ?? [];
  const flags = ['--format', 'json', '--profile', profile];
  if (ignoreRules.length) flags.push('--ignore-rules', ...ignoreRules);
  if (exception?.excludeEntrypoints?.length) flags.push('--exclude-entrypoints', ...exception.excludeEntrypoints);
  // attw exits 1 when it finds problems; its JSON report is on stdout either way.
  const result = await execFileAsync(process.execPath, [attwBin, tarball, ...flags], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
    (error) => ({ status: error.code, signal: error.signal, stdout: error.stdout ?? '', stderr: error.stderr ?? error.message }),
  );
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    return [`attw did not run (exit ${result.status ?? result.signal}): ${(result.stderr || result.stdout).trim().split('\n')[0]}`];
  }
  if (!report.analysis?.types) return ['attw: the package ships no type declarations'];
  // Rule flags are kebab-case (`cjs-resolves-to-esm`), report kinds PascalCase (`CJSResolvesToESM`).
  const ignoredKinds = new Set(ignoreRules.map((rule) => rule.replaceAll('-', '')));
  const skipped = new Set(PROFILE_SKIPS[profile]);
  const problems = (report.analysis.problems ?? [])
    .filter((problem) => !ignoredKinds.has(problem.kind.toLowerCase()))
    .filter((problem) => !problem.resolutionKind || !skipped.has(problem.resolutionKind))
    .map((problem) => `attw ${problem.kind}: ${[problem.entrypoint, problem.resolutionKind].filter(Boolean).join(' under ')}`);
  if (result.status !== 0 && problems.length === 0) problems.push(`attw exited with ${result.status ?? result.signal}`);
  return problems;
}

const started = Date.now();
const packages = publicPackages();
if (packages.length === 0) {
  console.error(`check:packages: no public package matches ${[...only].join(', ')}`);
  process.exit(2);
}
/** Packs and checks one package; returns its problems, publint's suggestions and its attw exception. */
async function check(pkg) {
  const problems = [];
  const notes = [];
  try {
    const tarball = pack(pkg);
    const unpacked = unpack(tarball);
    const packed = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
    problems.push(...manifestProblems(pkg, packed, unpacked));
    const lint = await publintProblems(tarball, packed);
    problems.push(...lint.problems);
    notes.push(...lint.notes);
    problems.push(...(await attwProblems(pkg.name, tarball)));
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  return { name: pkg.name, problems, notes, exception: ATTW_EXCEPTIONS[pkg.name] };
}

// attw loads a TypeScript program per package: two at a time keeps a 2-core machine busy without thrashing.
const CONCURRENCY = 2;
const results = new Array(packages.length);
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, packages.length) }, async () => {
    while (next < packages.length) {
      const index = next++;
      results[index] = await check(packages[index]);
    }
  }),
);
for (const { name, problems, notes, exception } of results) {
  const mark = problems.length === 0 ? 'ok  ' : 'FAIL';
  console.log(`${mark} ${name}${problems.length ? ` (${problems.length} problem${problems.length === 1 ? '' : 's'})` : ''}`);
  for (const problem of problems) console.log(`       ${problem}`);
  for (const note of notes) console.log(`       note: ${note}`);
  if (exception) console.log(`       attw exception: ${exception.reason}`);
}

const failed = results.filter((result) => result.problems.length > 0);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`tarballs kept in ${work}`);
if (failed.length > 0) {
  console.error(`\ncheck:packages: ${failed.length} of ${results.length} packages have problems (${failed.map((result) => result.name).join(', ')}) in ${seconds} s`);
  process.exit(1);
}
console.log(`\ncheck:packages: ${results.length} packages pass publint --strict, attw and the manifest rules in ${seconds} s`);
