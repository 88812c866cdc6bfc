import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createEngine, type FlagStore, type StoreChange } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { createRuntime, isRuntimeStartError, RuntimeStartError, type Runtime, type RuntimeErrorEvent, type RuntimeEvents } from '../src/index';
import { freshDirEachTest } from './helpers';

let dir: string;
let runtime: Runtime | undefined;
freshDirEachTest('switchyard-runtime-', (d) => ((dir = d), (runtime = undefined)), () => runtime);

const flags = (checkout: string) => `checkout_page:\n  development: true\n  production: ${checkout}\n`;

/** The arguments of the next `event` that satisfies `accept`. */
function next<E extends keyof RuntimeEvents>(rt: Runtime, event: E, accept: (...args: RuntimeEvents[E]) => boolean = () => true): Promise<RuntimeEvents[E]> {
  return new Promise((resolve) => {
    const off = rt.on(event, (...args) => {
      if (!accept(...args)) return;
      off();
      resolve(args);
    });
  });
}

/** A store that cannot be read, and records whether it was closed. */
function unreadableStore(): FlagStore & { closed: boolean } {
  const store = {
    name: 'broken',
    closed: false,
    subscribe: (_listener: (change: StoreChange) => void) => () => undefined,
    listFlags: () => Promise.reject(new Error('connection refused')),
    listValues: () => Promise.reject(new Error('connection refused')),
    close: async () => {
      store.closed = true;
    },
  };
  return store as unknown as FlagStore & { closed: boolean };
}

describe('createRuntime', () => {
  it('starts, is ready with the manifests in force, and closes', async () => {
    await writeFile(path.join(dir, 'flags.yaml'), flags('false'));
    const engine = createEngine({ environment: 'production' });
    runtime = createRuntime({ engine, manifests: { dir } });
    expect(runtime.state).toBe('idle');
    const reloads: string[][] = [];
    runtime.on('reload', (change) => reloads.push(change.changedKeys));
    const starting = runtime.start();
    expect(runtime.state).toBe('starting');
    expect(runtime.start()).toBe(starting);
    await starting;
    await runtime.ready;
    expect(runtime.state).toBe('ready');
    expect(runtime.status.synced).toBe(true);
    expect(reloads).toEqual([['checkout_page']]);
    expect(engine.evaluate('checkout_page', {}).value).toBe(false);
    expect(runtime.sync.baseKeys().has('checkout_page')).toBe(true);
    await runtime.close();
    expect(runtime.state).toBe('closed');
  });

  it('emits reload when a manifest changes, and error (keeping the last good set) when one breaks', async () => {
    await writeFile(path.join(dir, 'flags.yaml'), flags('false'));
    const engine = createEngine({ environment: 'production' });
    runtime = createRuntime({ engine, manifests: { dir, debounceMs: 10 } });
    await runtime.start();

    const reloaded = next(runtime, 'reload', (change) => change.changedKeys.includes('checkout_page'));
    await writeFile(path.join(dir, 'flags.yaml'), flags('true'));
    const [change] = await reloaded;
    expect(change.definitions.map((d) => d.key)).toEqual(['checkout_page']);
    expect(engine.evaluate('checkout_page', {}).value).toBe(true);

    const failed = next(runtime, 'error', (event) => event.source === 'manifests');
    await writeFile(path.join(dir, 'flags.yaml'), 'checkout_page: [unclosed\n');
    const [event] = await failed;
    expect(event.source).toBe('manifests');
    const diagnostics = (event as Extract<RuntimeErrorEvent, { source: 'manifests' }>).diagnostics;
    expect(diagnostics[0]).toMatchObject({ file: 'flags.yaml', severity: 'error', code: 'syntax' });
    expect(engine.evaluate('checkout_page', {}).value).toBe(true);
    expect(runtime.manifests()?.definitions.map((d) => d.key)).toEqual(['checkout_page']);
  });

  it('reports store problems as error events and still starts (the store is retried)', async () => {
    const store = unreadableStore();
    runtime = createRuntime({ engine: createEngine(), store, retryMs: 60_000 });
    const errors: RuntimeErrorEvent[] = [];
    runtime.on('error', (event) => errors.push(event));
    await runtime.start();
    expect(runtime.state).toBe('ready');
    expect(runtime.status).toMatchObject({ synced: false, lastError: 'connection refused' });
    expect(errors).toEqual([{ source: 'store', error: new Error('connection refused') }]);
    await runtime.close();
    expect(store.closed).toBe(false);
  });

  it('closes an opened store, once, however often close is called', async () => {
    let closes = 0;
    const store = unreadableStore();
    const close = store.close.bind(store);
    store.close = async () => {
      closes++;
      await close();
    };
    runtime = createRuntime({ engine: createEngine(), store: async () => store, retryMs: 60_000 });
    await runtime.start();
    expect(runtime.store).toBe(store);
    await Promise.all([runtime.close(), runtime.close()]);
    await runtime.close();
    expect(closes).toBe(1);
    expect(runtime.state).toBe('closed');
  });

  it('can be closed before it was started, and then refuses to start', async () => {
    runtime = createRuntime({ engine: createEngine() });
    await runtime.close();
    const err = await runtime.start().catch((e: unknown) => e);
    expect(isRuntimeStartError(err) && err.failure).toBe('closed');
  });

  it('fails to start with a typed error naming invalid manifests, and rejects ready', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'checkout_page: [unclosed\n');
    await writeFile(path.join(dir, 'b.yaml'), 'other: {development: maybe}\nthird: [\n');
    for (const watchFiles of [true, false]) {
      const rt = createRuntime({ engine: createEngine(), manifests: { dir, watch: watchFiles } });
      const err = await rt.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RuntimeStartError);
      const startError = err as RuntimeStartError;
      expect(startError.failure).toBe('manifests');
      expect(startError.diagnostics.length).toBeGreaterThan(1);
      expect(startError.message).toMatch(new RegExp(`^manifests in ${dir.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} are invalid: a\\.yaml:\\d+:\\d+: .+ \\(and \\d+ more problems?\\)$`));
      await expect(rt.ready).rejects.toBe(err);
      expect(rt.state).toBe('failed');
      await rt.close();
    }
  });

  it('fails to start with a typed error when the store cannot be opened, keeping the cause', async () => {
    const cause = new Error('ECONNREFUSED');
    runtime = createRuntime({ engine: createEngine(), store: () => Promise.reject(cause) });
    const err = await runtime.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeStartError);
    expect(err).toMatchObject({ failure: 'store', message: 'cannot open the store: ECONNREFUSED', cause });
  });

  it('refuses a set that validate finds problems in, at start and on reload', async () => {
    await writeFile(path.join(dir, 'flags.yaml'), flags('false'));
    const problem = { file: 'flags.yaml', line: 1, column: 1, path: 'checkout_page', message: 'no', severity: 'error' as const, code: 'invalid-validator' as const };
    let refuse = true;
    const rt = createRuntime({ engine: createEngine(), manifests: { dir, validate: () => (refuse ? [problem] : []) } });
    await expect(rt.start()).rejects.toMatchObject({ failure: 'manifests', diagnostics: [problem], message: `manifests in ${dir} are invalid: flags.yaml:1:1 checkout_page: no` });

    refuse = false;
    runtime = createRuntime({ engine: createEngine({ environment: 'production' }), manifests: { dir, debounceMs: 10, validate: () => (refuse ? [problem] : []) } });
    await runtime.start();
    refuse = true;
    const failed = next(runtime, 'error');
    await writeFile(path.join(dir, 'flags.yaml'), flags('true'));
    expect(await failed).toEqual([{ source: 'manifests', diagnostics: [problem] }]);
    expect(runtime.engine.evaluate('checkout_page', {}).value).toBe(false);
  });

  it('applies base definitions given directly, and reports a throwing listener as an error event', async () => {
    runtime = createRuntime({ engine: createEngine(), base: { definitions: [{ key: 'beta', type: 'boolean', fallbackValue: false }], values: { beta: { rootValue: true } } } });
    const errors: RuntimeErrorEvent[] = [];
    runtime.on('error', (event) => errors.push(event));
    runtime.on('change', () => {
      throw new Error('listener broke');
    });
    await runtime.start();
    expect(runtime.engine.evaluate('beta', {}).value).toBe(true);
    expect(errors).toEqual([{ source: 'listener', error: new Error('listener broke') }]);
  });

  it('refuses manifests and base definitions together', () => {
    expect(() => createRuntime({ engine: createEngine(), manifests: { dir }, base: { definitions: [] } })).toThrow(TypeError);
  });
});
