import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createEngine, ValidationError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, watch, watchIntoEngine } from '../src/index';
import type { Diagnostic, ManifestChange, ManifestWatcher } from '../src/index';
import { freshDirEachTest } from './helpers';

let dir: string;
let watcher: ManifestWatcher | undefined;
freshDirEachTest('switchyard-watch-', (d) => ((dir = d), (watcher = undefined)), () => watcher);

async function write(file: string, text: string) {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), text);
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const abTests = (production: string) => `checkout_page:\n  development: true\n  production: ${production}\n`;

describe('watch', () => {
  it('swaps on valid edits, keeps the last good set on invalid ones, and recovers', async () => {
    await write('ab-tests.yaml', abTests('false'));
    await write('team/payments.yaml', 'switchyard: 1\nflags:\n  pay-later:\n    fallback: false\n    values: {root: true}\n');
    const changes: ManifestChange[] = [];
    const errors: Diagnostic[][] = [];
    watcher = await watch(dir, (c) => void changes.push(c), { debounceMs: 40, onError: (d) => void errors.push(d) });

    expect(changes).toHaveLength(1);
    expect(changes[0]!.changedKeys).toEqual(['checkout_page', 'pay-later']);
    expect(changes[0]!.values).toEqual({ 'pay-later': { rootValue: true } });
    expect(watcher.current()).toBe(changes[0]);

    await write('ab-tests.yaml', abTests('true'));
    await until(() => changes.length === 2, 'the valid edit');
    expect(changes[1]!.changedKeys).toEqual(['checkout_page']);
    expect(changes[1]!.definitions.find((d) => d.key === 'checkout_page')!.environments!.production).toEqual({ type: 'static', value: true });

    await write('ab-tests.yaml', abTests('"yes"'));
    await until(() => errors.length === 1, 'the error report');
    expect(errors[0]!.map(formatDiagnostic)).toEqual([
      'ab-tests.yaml:3:3 checkout_page.production: value "yes" has invalid type string, must be boolean (the flag\'s type, set by checkout_page.development)',
    ]);
    expect(changes).toHaveLength(2);
    expect(watcher.current()).toBe(changes[1]);

    await write('ab-tests.yaml', abTests('false'));
    await until(() => changes.length === 3, 'the fix');
    expect(changes[2]!.changedKeys).toEqual(['checkout_page']);
    expect(errors).toHaveLength(1);
  });

  it('follows added and removed files and reports duplicates across files', async () => {
    await write('a.yaml', 'a:\n  production: true\n');
    const changes: ManifestChange[] = [];
    const errors: Diagnostic[][] = [];
    watcher = await watch(dir, (c) => void changes.push(c), { debounceMs: 40, onError: (d) => void errors.push(d) });

    await write('nested/b.json', '{"b": {"production": 1}}');
    await until(() => changes.length === 2, 'the added file');
    expect(changes[1]!.changedKeys).toEqual(['b']);
    expect(changes[1]!.definitions.map((d) => [d.key, d.flagSet])).toEqual([
      ['a', 'a'],
      ['b', 'nested/b'],
    ]);

    await write('c.yaml', 'a:\n  production: false\n');
    await until(() => errors.length === 1, 'the duplicate report');
    expect(errors[0]!.map(formatDiagnostic)).toEqual(['c.yaml:1:1 a: flag "a" is already defined at a.yaml:1:1']);

    await unlink(path.join(dir, 'c.yaml'));
    await unlink(path.join(dir, 'nested/b.json'));
    await until(() => changes.length === 3, 'the removals');
    expect(changes[2]!.changedKeys).toEqual(['b']);
    expect(changes[2]!.definitions.map((d) => d.key)).toEqual(['a']);
  });

  it('sees a second save made right after the first (file watchers drop such events)', async () => {
    await write('a.yaml', 'a:\n  production: 1\n');
    const changes: ManifestChange[] = [];
    watcher = await watch(dir, (c) => void changes.push(c), { debounceMs: 10 });
    await write('a.yaml', 'a:\n  production: 2\n');
    await until(() => changes.length >= 2, 'the first save');
    await write('a.yaml', 'a:\n  production: 3\n');
    const served = () => changes.at(-1)!.definitions[0]!.environments!.production;
    await until(() => JSON.stringify(served()) === JSON.stringify({ type: 'static', value: 3 }), 'the second save');
  });

  it('reports an invalid initial set without calling onChange', async () => {
    await write('a.yaml', 'a: [\n');
    const changes: ManifestChange[] = [];
    const errors: Diagnostic[][] = [];
    watcher = await watch(dir, (c) => void changes.push(c), { debounceMs: 40, onError: (d) => void errors.push(d) });
    expect(changes).toEqual([]);
    expect(watcher.current()).toBeUndefined();
    expect(errors[0]!.map((d) => d.code)).toEqual(['syntax']);
  });
});

describe('watchIntoEngine', () => {
  it('loads every valid set into the engine and leaves it alone otherwise', async () => {
    await write('ab-tests.yaml', abTests('false'));
    const engine = createEngine({ environment: 'production' });
    const errors: Diagnostic[][] = [];
    let loads = 0;
    watcher = await watchIntoEngine(dir, engine, { debounceMs: 40, onError: (d) => void errors.push(d), onLoad: () => void loads++ });
    expect(engine.evaluate('checkout_page').value).toBe(false);

    await write('ab-tests.yaml', abTests('true'));
    await until(() => loads === 2, 'the reload');
    expect(engine.evaluate('checkout_page')).toMatchObject({ value: true, reason: 'STATIC' });

    await write('ab-tests.yaml', abTests('[oops'));
    await until(() => errors.length === 1, 'the error report');
    expect(engine.evaluate('checkout_page').value).toBe(true);
  });

  it('reports a set the engine refuses at the definitions concerned and keeps the last good set', async () => {
    await write('ab-tests.yaml', abTests('false'));
    let refuse = false;
    let loaded = 0;
    const engine = {
      load() {
        if (refuse) throw new ValidationError([{ path: [0, 'environments', 'production'], message: 'refused by policy' }]);
        loaded++;
      },
    };
    const errors: Diagnostic[][] = [];
    watcher = await watchIntoEngine(dir, engine, { debounceMs: 40, onError: (d) => void errors.push(d) });
    const good = watcher.current();
    expect(loaded).toBe(1);
    refuse = true;
    await write('ab-tests.yaml', abTests('true'));
    await until(() => errors.length === 1, 'the refusal');
    expect(errors[0]!.map(formatDiagnostic)).toEqual(['ab-tests.yaml:1:1 checkout_page.environments.production: refused by policy']);
    expect(errors[0]![0]!.code).toBe('rejected');
    expect(watcher.current()).toBe(good);
  });
});
