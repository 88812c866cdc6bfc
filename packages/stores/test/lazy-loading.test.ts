import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const script = resolve(import.meta.dirname, 'fixtures/loaded-drivers.ts');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function driversLoadedFor(url: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@switchyard/source', '--import', 'tsx', script, url], {
    cwd: root,
    timeout: 30_000,
  });
  return JSON.parse(stdout) as string[];
}

test('opening a memory store loads no database driver', async () => {
  expect(await driversLoadedFor('memory:')).toEqual([]);
}, 40_000);

test('opening a sqlite store loads better-sqlite3 only', async () => {
  expect(await driversLoadedFor(`sqlite://${join(dir, 'lazy.db')}`)).toEqual(['better-sqlite3']);
}, 40_000);
