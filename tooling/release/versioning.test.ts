import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// Independent versioning: a release of `@switchyard/core` alone must not drag the packages that
// depend on it into a new major (0.x → 1.0.0). Runs the installed `changeset version` against a
// copy of the workspace manifests and the changesets config.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const changesetBin = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
const workspaceDirs = ['packages', 'apps'];

interface Manifest {
  name: string;
  version: string;
}

function copyWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-versioning-'));
  for (const file of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(root, file), join(dir, file));
  mkdirSync(join(dir, '.changeset'));
  cpSync(join(root, '.changeset', 'config.json'), join(dir, '.changeset', 'config.json'));
  for (const group of workspaceDirs) {
    for (const name of readdirSync(join(root, group))) {
      const manifest = join(root, group, name, 'package.json');
      if (!existsSync(manifest)) continue;
      mkdirSync(join(dir, group, name), { recursive: true });
      cpSync(manifest, join(dir, group, name, 'package.json'));
    }
  }
  return dir;
}

function versions(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const group of workspaceDirs) {
    for (const name of readdirSync(join(dir, group))) {
      const manifest = JSON.parse(readFileSync(join(dir, group, name, 'package.json'), 'utf8')) as Manifest;
      out.set(manifest.name, manifest.version);
    }
  }
  return out;
}

function major(version: string): number {
  return Number(version.split('.')[0]);
}

/** Semver "major" for 0.x: the first non-zero component is the breaking one. */
function isBreaking(before: string, after: string): boolean {
  const [a0, a1] = before.split('.').map(Number) as [number, number];
  const [b0, b1] = after.split('.').map(Number) as [number, number];
  if (a0 !== b0) return true;
  return a0 === 0 && a1 !== b1;
}

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.each(['patch', 'minor'] as const)('a core-only %s changeset', (bump) => {
  it('bumps core and leaves every other package below a new major', () => {
    const dir = copyWorkspace();
    temps.push(dir);
    const before = versions(dir);
    writeFileSync(join(dir, '.changeset', `core-${bump}.md`), `---\n"@switchyard/core": ${bump}\n---\n\nA core-only ${bump}.\n`);

    const result = spawnSync(process.execPath, [changesetBin, 'version'], { cwd: dir, encoding: 'utf8' });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);

    const after = versions(dir);
    const core = after.get('@switchyard/core')!;
    expect(core).not.toBe(before.get('@switchyard/core'));
    const breaking = [...after]
      .filter(([name]) => name !== '@switchyard/core')
      .filter(([name, version]) => major(version) >= 1 || isBreaking(before.get(name)!, version))
      .map(([name, version]) => `${name} ${before.get(name)} → ${version}`);
    expect(breaking).toEqual([]);
  });
});
