import { describe, expect, it } from 'vitest';
import { StoreUnavailableError, ValidationError } from '../errors/store-errors';
import type { StoreChange } from './change-feed';
import { checkValueBatch, StoreKit } from './store-kit';

function recordingLogger() {
  const errors: string[] = [];
  return { errors, warn: () => undefined, error: (msg: string) => void errors.push(msg) };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('StoreKit', () => {
  it('reports committed changes with this client as origin, drops its own echoes and resyncs with reset', () => {
    const kit = new StoreKit({ name: 'test', clientId: 'me', logger: recordingLogger() });
    const seen: StoreChange[] = [];
    kit.subscribe((c) => void seen.push(c));
    kit.committed('flags', ['a']);
    kit.committed('features', ['f']);
    kit.received({ kind: 'values', keys: ['b'], origin: 'me' });
    kit.received({ kind: 'values', keys: ['b'], origin: 'other' });
    kit.received(undefined);
    kit.resync();
    expect(seen).toEqual([
      { kind: 'flags', keys: ['a'], origin: 'me' },
      { kind: 'features', features: ['f'], origin: 'me' },
      { kind: 'values', keys: ['b'], origin: 'other' },
      { kind: 'reset', origin: 'me' },
    ]);
  });

  it('logs a throwing listener and still calls the next one', () => {
    const logger = recordingLogger();
    const kit = new StoreKit({ name: 'test', clientId: 'me', logger });
    const calls: string[] = [];
    kit.subscribe(() => {
      throw new Error('bug');
    });
    kit.subscribe(() => void calls.push('next'));
    kit.committed('flags', ['a']);
    expect(calls).toEqual(['next']);
    expect(logger.errors).toEqual(['store subscriber threw']);
  });

  it('translates errors of an operation, synchronous throws included', async () => {
    const kit = new StoreKit({ name: 'test', clientId: 'me', translateError: (err, op) => new StoreUnavailableError(`${op}: ${String(err)}`) });
    await expect(kit.op('getFlag', () => Promise.reject(new Error('down')))).rejects.toThrow('getFlag: Error: down');
    await expect(
      kit.op('getFlag', () => {
        throw new Error('sync');
      }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('close waits for pending operations, then refuses new ones and calls no listener', async () => {
    const kit = new StoreKit({ name: 'test', clientId: 'me', logger: recordingLogger() });
    const seen: StoreChange[] = [];
    kit.subscribe((c) => void seen.push(c));
    const gate = deferred();
    const steps: string[] = [];
    const pending = kit.op('write', async () => {
      await gate.promise;
      steps.push('write done');
    });
    const closing = kit.close(async () => void steps.push('released'));
    expect(kit.closed).toBe(true);
    gate.resolve();
    await Promise.all([pending, closing]);
    expect(steps).toEqual(['write done', 'released']);
    await expect(kit.op('getFlag', async () => 1)).rejects.toThrow('test: getFlag called after close()');
    kit.committed('flags', ['late']);
    expect(seen).toEqual([]);
    expect(kit.close(async () => void steps.push('again'))).toBe(closing);
  });

  it('health reports latency, or the reason of a failed ping', async () => {
    const kit = new StoreKit({ name: 'test', clientId: 'me' });
    await expect(kit.health(async () => undefined)).resolves.toMatchObject({ ok: true });
    await expect(kit.health(() => Promise.reject(new Error('no route')))).resolves.toEqual({ ok: false, error: 'no route' });
  });
});

describe('checkValueBatch', () => {
  it('refuses a non-array, skips an empty batch and reads stored definitions only for keys the caller did not define', async () => {
    const asked: string[][] = [];
    const load = (keys: string[]) => {
      asked.push(keys);
      return new Map([['stored', { key: 'stored', type: 'number' as const, fallbackValue: 0 }]]);
    };
    await expect(checkValueBatch('nope', {}, undefined, load)).rejects.toBeInstanceOf(ValidationError);
    await expect(checkValueBatch([], {}, undefined, load)).resolves.toBe(false);
    const given = { key: 'given', type: 'boolean' as const, fallbackValue: false };
    const options = { definitionOf: (key: string) => (key === 'given' ? given : undefined) };
    await expect(checkValueBatch([{ key: 'given', value: true }, { key: 'stored', value: 2 }], options, undefined, load)).resolves.toBe(true);
    expect(asked).toEqual([['stored']]);
    await expect(checkValueBatch([{ key: 'stored', value: 'not a number' }], {}, undefined, load)).rejects.toBeInstanceOf(ValidationError);
  });
});
