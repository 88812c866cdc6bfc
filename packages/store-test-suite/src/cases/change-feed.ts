import { describe, expect } from 'vitest';
import type { FlagStore, StoreChange } from '@switchyard/core';
import type { SuiteContext } from '../context';
import { booleanFlag, numberFlag } from '../fixtures';
import { waitFor } from '../wait-for';

/** A flag change reduced to `kind:key` (one key per write in these cases). */
function label(change: StoreChange): string {
  if (change.kind === 'reset') return 'reset';
  return `${change.kind}:${(change.kind === 'features' ? change.features : change.keys).join(',')}`;
}

function recorder(store: FlagStore, filter: (change: StoreChange) => boolean = () => true): string[] {
  const seen: string[] = [];
  store.subscribe((change) => {
    if (filter(change)) seen.push(label(change));
  });
  return seen;
}

/** Drops repeats of the entry just before (at-least-once delivery may repeat a change). */
function withoutRepeats(labels: string[]): string[] {
  return labels.filter((l, i) => l !== labels[i - 1]);
}

/**
 * The change-event contract written on `ChangeFeed` (core): when listeners are called, what they
 * receive, ordering, at-least-once delivery with `reset` on a gap, and listener errors.
 */
export function changeFeedCases({ test, client, options, capabilities }: SuiteContext): void {
  describe('change feed', () => {
    test("one client's writes reach its listeners in commit order; writes that change nothing report nothing", async () => {
      const store = await client();
      const seen = recorder(store);
      await store.upsertFlag(numberFlag('a'));
      await store.setValues([{ key: 'a', value: 2 }]);
      await store.setFeatureValue('f', 's', 1);
      await store.upsertFlag(booleanFlag('b'));
      await store.deleteFlag('a');
      expect(seen).toEqual(['flags:a', 'values:a', 'features:f', 'flags:b', 'flags:a', 'values:a']);

      seen.length = 0;
      await store.deleteFlag('absent');
      await store.setFeatureValue('f', 's', 2, { onlyIfAbsent: true });
      await store.updateFeatureValues('no-results', 1);
      await store.deleteFeatureValue('f', 'other-scope');
      await store.purgeFeatures(['no-results']);
      await store.cacheSet('c', 1);
      await store.cacheDelete('c');
      expect(seen).toEqual([]);
    });

    test('the same function subscribed twice is two subscriptions; each unsubscribe ends one, and repeating it does nothing', async () => {
      const store = await client();
      const calls: string[] = [];
      const listener = (change: StoreChange) => void calls.push(label(change));
      const first = store.subscribe(listener);
      store.subscribe(listener);
      await store.upsertFlag(booleanFlag('x'));
      expect(calls).toEqual(['flags:x', 'flags:x']);
      first();
      first();
      await store.upsertFlag(booleanFlag('y'));
      expect(calls).toEqual(['flags:x', 'flags:x', 'flags:y']);
    });

    test('an unsubscribe during delivery takes effect at once; a throwing listener does not keep the next one from being called', async () => {
      const store = await client();
      const calls: string[] = [];
      let stopLast = () => undefined as void;
      store.subscribe(() => {
        calls.push('first');
        stopLast();
      });
      store.subscribe(() => {
        calls.push('throws');
        throw new Error('listener bug');
      });
      stopLast = store.subscribe(() => void calls.push('last'));
      await expect(store.upsertFlag(booleanFlag('x'))).resolves.toMatchObject({ version: 1 });
      expect(calls).toEqual(['first', 'throws']);
    });

    test.skipIf(!capabilities.propagation)(
      "another client receives one writer's changes at least once and in commit order (propagation)",
      async () => {
        const [writer, reader] = await Promise.all([client(), client()]);
        const seen = recorder(reader, (c) => c.origin === writer.clientId);
        const keys = Array.from({ length: 20 }, (_, i) => `ordered-${String(i).padStart(2, '0')}`);
        for (const key of keys) await writer.upsertFlag(booleanFlag(key));
        await waitFor(() => seen.includes(`flags:${keys.at(-1)}`), {
          timeoutMs: options.propagationTimeoutMs,
          description: 'the last change reaching the other client',
        });
        expect(withoutRepeats(seen)).toEqual(keys.map((k) => `flags:${k}`));
      },
      options.slowTestTimeoutMs,
    );

    test.skipIf(!capabilities.propagation)(
      'a closed client calls no listener, while other clients keep receiving (propagation)',
      async () => {
        const [writer, closing, open] = await Promise.all([client(), client(), client()]);
        const seenByClosed = recorder(closing);
        const seenByOpen = recorder(open);
        await closing.close();
        await writer.upsertFlag(booleanFlag('after-close'));
        await waitFor(() => seenByOpen.includes('flags:after-close'), { timeoutMs: options.propagationTimeoutMs, description: 'the change reaching the open client' });
        expect(seenByClosed).toEqual([]);
      },
      options.slowTestTimeoutMs,
    );

    test.skipIf(!capabilities.propagation || !options.interruptChangeFeed)(
      'after its feed is interrupted a client reports reset with its own origin, then changes again (propagation, interruptChangeFeed)',
      async () => {
        const [writer, reader] = await Promise.all([client(), client()]);
        const changes: StoreChange[] = [];
        reader.subscribe((change) => void changes.push(change));
        await options.interruptChangeFeed!(reader);
        await waitFor(() => changes.some((c) => c.kind === 'reset'), { timeoutMs: options.propagationTimeoutMs, description: 'reset after the interruption' });
        expect(changes.find((c) => c.kind === 'reset')).toEqual({ kind: 'reset', origin: reader.clientId });
        // Once resynced, changes of others flow again (a write may race the re-subscription: retry it).
        await waitFor(
          async () => {
            await writer.upsertFlag(booleanFlag('after-reset'));
            return changes.some((c) => c.kind === 'flags' && c.keys.includes('after-reset'));
          },
          { timeoutMs: options.propagationTimeoutMs, intervalMs: 100, description: 'a change reaching the client after reset' },
        );
      },
      options.slowTestTimeoutMs,
    );
  });
}
