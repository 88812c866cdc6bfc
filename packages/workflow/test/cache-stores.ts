import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlagStore } from '@switchyard/core';
import { createMemoryStore } from '@switchyard/store-memory';
import { openStore } from '@switchyard/stores';
import { afterAll } from 'vitest';

/**
 * The stores the workflow cache is tested on, as `[name, open]` rows for `describe.each`: memory,
 * and SQLite on a fresh file per call. The files are removed after the calling test file.
 */
export function cacheStores(): [string, () => Promise<FlagStore>][] {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return [
    ['memory', async () => createMemoryStore()],
    [
      'sqlite',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'sy-wf-cache-'));
        dirs.push(dir);
        return openStore(`sqlite:${join(dir, 'cache.db')}`);
      },
    ],
  ];
}
