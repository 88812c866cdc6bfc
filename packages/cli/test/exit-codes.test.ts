import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, StoreUnavailableError, ValidationError } from '@switchyard/core';
import { EXIT, ExitError, toExitError } from '../src/exit-error';
import { closedPort, EXAMPLES, FIXTURES, runCli, tempDir } from './run-cli';

const temp = tempDir();
let store = '';
beforeAll(async () => {
  store = `sqlite://${temp.dir}/store.db`;
  // A definition claiming to come from a manifest: the store records where definitions live.
  writeFileSync(path.join(temp.dir, 'sourced.yaml'), 'type: boolean\nfallbackValue: false\nsource: { kind: manifest, file: flags.yaml }\n');
  const imported = await runCli(['import', EXAMPLES, '--store', store, '--create']);
  expect(imported.code).toBe(0);
});
afterAll(() => temp.remove());

describe('one table of exit codes, applied by every command', () => {
  it('maps errors by their code, whatever copy of core threw them, and anything unexpected to 4', () => {
    const foreign = (code: string, extra: object = {}) => Object.assign(new Error(`a ${code} error`), { code, ...extra });
    expect(toExitError(new ValidationError([{ path: [], message: 'bad' }])).exitCode).toBe(EXIT.USER);
    expect(toExitError(foreign('VALIDATION', { issues: [] })).exitCode).toBe(EXIT.USER);
    expect(toExitError(new ConflictError('k', 1, 2)).exitCode).toBe(EXIT.USER);
    expect(toExitError(foreign('CONFLICT')).exitCode).toBe(EXIT.USER);
    expect(toExitError(new StoreUnavailableError('down')).exitCode).toBe(EXIT.BACKEND);
    expect(toExitError(foreign('STORE_UNAVAILABLE')).exitCode).toBe(EXIT.BACKEND);
    expect(toExitError(Object.assign(new Error('server said no'), { name: 'ApiError', status: 403 })).exitCode).toBe(EXIT.USER);
    expect(toExitError(Object.assign(new Error('server broke'), { name: 'ApiError', status: 502 })).exitCode).toBe(EXIT.BACKEND);
    expect(toExitError(foreign('FEATURE_NOT_FOUND')).exitCode).toBe(EXIT.USER);
    expect(toExitError(foreign('ENOENT')).exitCode).toBe(EXIT.USAGE);
    expect(toExitError(Object.assign(new Error('x'), { name: 'ExitError', exitCode: 3 })).exitCode).toBe(3);
    const bug = toExitError(new TypeError("Cannot read properties of undefined (reading 'key')"));
    expect(bug).toBeInstanceOf(ExitError);
    expect(bug.exitCode).toBe(EXIT.INTERNAL);
    expect(bug.message).toBe("internal error: Cannot read properties of undefined (reading 'key') (run with --verbose for the stack trace)");
  });

  it('every command answers with the documented code (a real process per case)', async () => {
    const port = await closedPort();
    const server = `http://127.0.0.1:${port}`;
    const missing = path.join(temp.dir, 'no-such-folder', 'flags.db');
    const cases: [string[], number][] = [
      [['validate', EXAMPLES], 0],
      [['flags', 'list', '--store', store], 0],
      [['validate', path.join(FIXTURES, 'broken')], 1],
      [['eval', 'nope', '--manifests', EXAMPLES], 1],
      [['flags', 'get', 'nope', '--store', store], 1],
      [['values', 'set', 'checkout-max-items', 'many', '--store', store], 1],
      [['diff', path.join(FIXTURES, 'valid', 'dupe.yaml'), '--store', store, '--exit-code'], 1],
      [['import', path.join(FIXTURES, 'broken'), '--store', store], 1],
      [['flags', 'set', 'sourced', '--file', path.join(temp.dir, 'sourced.yaml'), '--store', store], 1],
      [['flags', 'list', '--bogus'], 2],
      [['flags', 'list'], 2],
      [['flags', 'list', '--store', `sqlite://${missing}`], 2],
      [['migrate', '--store', `sqlite://${missing}`], 2],
      [['flags', 'set', 'x', '--file', path.join(temp.dir, 'missing.yaml'), '--store', store], 2],
      [['export', '--store', store, '-o', path.join(temp.dir, 'no-dir', 'out.yaml')], 2],
      [['serve', '--port', 'ninety'], 2],
      [['flags', 'list', '--server', server], 3],
      [['values', 'list', '--server', server], 3],
      [['eval', 'checkout_page', '--server', server], 3],
      [['flags', 'list', '--store', `redis://127.0.0.1:${port}?timeoutMs=500`], 3],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    cases.forEach(([args, code], i) => {
      const r = results[i]!;
      expect({ args: args.join(' '), code: r.code }, r.stderr).toEqual({ args: args.join(' '), code });
      // A failure is one line on stderr (validate and import print their diagnostics first).
      if (code >= 2) expect(r.stderr).toMatch(/^error: /m);
    });
    expect(existsSync(path.dirname(missing))).toBe(false);
  });
});

describe('a sqlite: path never creates anything unless asked', () => {
  it('refuses a missing database with its path and creates no folder; --create creates both', async () => {
    const dir = path.join(temp.dir, 'typo');
    const file = path.join(dir, 'switchyard.db');
    const refused = await runCli(['flags', 'set', 'dark-mode', '--type', 'boolean', '--fallback', 'false', '--store', `sqlite:${file}`]);
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: --store: the SQLite database ${file} does not exist (nor does its folder ${dir}); check the path, or pass --create to create it\n`,
    });
    expect(existsSync(dir)).toBe(false);
    mkdirSync(dir);
    const inFolder = await runCli(['flags', 'list', '--store', `sqlite:${file}`]);
    expect(inFolder.code).toBe(2);
    expect(inFolder.stderr).toBe(`error: --store: the SQLite database ${file} does not exist; check the path, or pass --create to create it\n`);
    expect(existsSync(file)).toBe(false);
    const created = await runCli(['flags', 'set', 'dark-mode', '--type', 'boolean', '--fallback', 'false', '--store', `sqlite:${file}`, '--create']);
    expect(created).toEqual({ code: 0, stdout: '✔ created dark-mode (version 1)\n', stderr: `created the SQLite database ${file}\n` });
    // Once it exists, no --create is needed and nothing is said about it.
    expect(await runCli(['flags', 'get', 'dark-mode', '--store', `sqlite:${file}`, '--format', 'json'])).toMatchObject({ code: 0, stderr: '' });
  });

  it('a relative path is resolved against the working directory and named in full', async () => {
    const cwd = path.join(temp.dir, 'cwd');
    mkdirSync(cwd);
    writeFileSync(path.join(cwd, 'keep.txt'), '');
    const r = await runCli(['values', 'list', '--store', 'sqlite:./data/switchyard.db'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path.join(cwd, 'data', 'switchyard.db'));
    expect(existsSync(path.join(cwd, 'data'))).toBe(false);
  });
});
