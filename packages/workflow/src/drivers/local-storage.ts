import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ValidationError } from '@switchyard/core';
import { abortReason } from './abortable';
import type { StorageDriver } from './types';

/** The path of a storage step is outside the driver's root or otherwise unusable. */
export class StoragePathError extends ValidationError {
  override readonly name = 'StoragePathError';
  constructor(path: string, why: string) {
    super([{ path: ['path'], message: `${JSON.stringify(path)} ${why}` }]);
  }
}

/** The file a `get` asked for does not exist. */
export class StorageNotFoundError extends Error {
  override readonly name = 'StorageNotFoundError';
  readonly code = 'NOT_FOUND' as const;
  constructor(readonly path: string) {
    super(`file "${path}" not found`);
  }
}

/**
 * Refuses storage keys that could leave a driver's root or be read as a location elsewhere: NUL
 * bytes, absolute paths (`/x`, `\\x`, `C:`), URL-like keys (`s3://…`, `http:…`) and `..` segments.
 * Storage steps apply it before any driver sees the key, built-in or not.
 */
export function checkStorageKey(path: string): void {
  if (path === '') throw new StoragePathError(path, 'is empty');
  if (path.includes('\0')) throw new StoragePathError(path, 'contains a NUL byte');
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.startsWith('\\')) throw new StoragePathError(path, 'must be relative to the storage root');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) throw new StoragePathError(path, 'must be a relative key, not a URL');
  const parts = path.split(/[\\/]+/);
  if (parts.includes('..')) throw new StoragePathError(path, 'must not contain ".." segments');
}

/**
 * Files under one directory. Paths are relative keys such as `invoices/2024/1.pdf`; absolute
 * paths, `..` segments, NUL bytes and symlinks that lead outside the root are refused.
 */
export function createLocalStorage(root: string): StorageDriver {
  const base = resolve(root);
  const target = async (path: string, signal: AbortSignal | undefined): Promise<string> => {
    if (signal?.aborted) throw abortReason(signal);
    checkStorageKey(path);
    const full = resolve(base, path);
    const rel = relative(base, full);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new StoragePathError(path, 'does not name a file inside the storage root');
    await mkdir(base, { recursive: true });
    // A symlink inside the root could still point outside it: compare real paths of the nearest existing ancestor.
    const realBase = await realpath(base);
    let probe = full;
    for (;;) {
      try {
        const real = await realpath(probe);
        if (real !== realBase && !real.startsWith(realBase + sep)) throw new StoragePathError(path, 'leads outside the storage root through a symbolic link');
        break;
      } catch (err) {
        if (err instanceof StoragePathError) throw err;
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        probe = dirname(probe);
      }
    }
    return full;
  };
  return {
    async put(path, data, signal) {
      const file = await target(path, signal);
      await mkdir(dirname(file), { recursive: true });
      // Write beside the target, then rename: readers never see a half-written file.
      const tmp = join(dirname(file), `.${randomUUID()}.tmp`);
      try {
        await writeFile(tmp, data, { signal });
        // An abort that arrives while writing leaves the target untouched.
        if (signal?.aborted) throw abortReason(signal);
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async get(path, signal) {
      const file = await target(path, signal);
      try {
        const st = await lstat(file);
        if (!st.isFile()) throw new StorageNotFoundError(path);
        return new Uint8Array(await readFile(file, { signal }));
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageNotFoundError(path);
        throw err;
      }
    },
    async delete(path, signal) {
      const file = await target(path, signal);
      try {
        await lstat(file);
      } catch {
        return false;
      }
      if (signal?.aborted) throw abortReason(signal);
      await rm(file);
      return true;
    },
  };
}
