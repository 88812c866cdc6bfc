import { describe, expect, test } from 'vitest';
import { parseDefinition } from '@switchyard/core';
import { booleanFlag, numberFlag, rejectionOf, sleep, stringFlag, uniqueNamespace, waitFor } from '../src/index';

describe('waitFor', () => {
  test('resolves with the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const result = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(result).toEqual({ calls: 3 });
  });

  test('resolves with 0 and empty strings, which are answers', async () => {
    expect(await waitFor(() => 0)).toBe(0);
    expect(await waitFor(async () => '')).toBe('');
  });

  test('rejects after the timeout, naming the condition and the last error', async () => {
    const started = Date.now();
    const err = await rejectionOf(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 60, intervalMs: 5, description: 'the thing' },
      ),
    );
    expect(err.message).toBe('the thing not met within 60 ms: not yet');
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });
});

describe('rejectionOf', () => {
  test('returns the error a promise rejects with', async () => {
    const err = await rejectionOf(Promise.reject(new TypeError('boom')));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('boom');
  });

  test('fails when the promise resolves', async () => {
    await expect(rejectionOf(Promise.resolve({ ok: 1 }))).rejects.toThrow('expected a rejection, got {"ok":1}');
  });
});

describe('fixtures', () => {
  test('every fixture definition is valid', () => {
    for (const def of [booleanFlag('a'), numberFlag('b'), stringFlag('c')]) expect(parseDefinition(def)).toEqual(def);
  });
});

test('sleep waits and uniqueNamespace differs per call', async () => {
  const started = Date.now();
  await sleep(20);
  expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  const a = uniqueNamespace('x');
  expect(a).toMatch(new RegExp(`^x_${process.pid}_[a-z0-9]+_[a-z0-9]+$`));
  expect(uniqueNamespace('x')).not.toBe(a);
});
