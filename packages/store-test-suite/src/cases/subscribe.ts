import { describe, expect } from 'vitest';
import type { FlagStore, StoreChange } from '@switchyard/core';
import type { SuiteContext } from '../context';
import { rejectionOf } from '../expect-error';
import { booleanFlag, numberFlag } from '../fixtures';
import { sleep, waitFor } from '../wait-for';

function record(store: FlagStore): { events: StoreChange[]; stop: () => void } {
  const events: StoreChange[] = [];
  const stop = store.subscribe((change) => events.push(normalize(change)));
  return { events, stop };
}

/** Key order inside one event is not part of the contract. */
function normalize(change: StoreChange): StoreChange {
  if (change.kind === 'flags' || change.kind === 'values') return { ...change, keys: [...change.keys].sort() };
  if (change.kind === 'features') return { ...change, features: [...change.features].sort() };
  return change;
}

export function subscribeCases({ test, client, options, capabilities }: SuiteContext): void {
  describe('subscribe', () => {
    test('own writes are reported synchronously after commit, with this client as origin', async () => {
      const store = await client();
      const { events } = record(store);
      const origin = store.clientId;
      await store.upsertFlag(numberFlag('a'));
      expect(events).toEqual([{ kind: 'flags', keys: ['a'], origin }]);
      await store.setValues([
        { key: 'a', value: 1 },
        { key: 'legacy', value: 2, remoteOnly: true },
        { key: 'a', value: 3, scope: { user: 'u' } },
      ]);
      expect(events.at(-1)).toEqual({ kind: 'values', keys: ['a', 'legacy'], origin });
      await store.setFeatureValue('feat', 's', 1);
      expect(events.at(-1)).toEqual({ kind: 'features', features: ['feat'], origin });
      const mark = events.length;
      await store.deleteFlag('a');
      // Deleting a flag with values may also report a \`values\` change for it.
      expect(events.slice(mark)).toContainEqual({ kind: 'flags', keys: ['a'], origin });
      await store.purgeFeatures();
      expect(events.at(-1)).toEqual({ kind: 'features', features: ['feat'], origin });
    });

    test('refused writes report nothing; unsubscribing stops delivery', async () => {
      const store = await client();
      const { events, stop } = record(store);
      await rejectionOf(store.setValues([{ key: 'undefined-key', value: 1 }]));
      await rejectionOf(store.upsertFlag(booleanFlag('x'), { expectedVersion: 4 }));
      expect(events).toEqual([]);
      stop();
      await store.upsertFlag(booleanFlag('x'));
      expect(events).toEqual([]);
    });

    test('a listener that throws does not fail the write or starve other listeners', async () => {
      const store = await client();
      store.subscribe(() => {
        throw new Error('listener bug');
      });
      const { events } = record(store);
      await expect(store.upsertFlag(booleanFlag('x'))).resolves.toMatchObject({ version: 1 });
      expect(events).toHaveLength(1);
    });

    test.skipIf(!capabilities.propagation)(
      'a write through client A reaches client B on its own connection (propagation)',
      async () => {
        const [a, b] = await Promise.all([client(), client()]);
        const seenByA = record(a);
        const seenByB = record(b);
        // B is listening once a first write of A reaches it (and A has seen its own echo): no guessed delay.
        await a.upsertFlag(numberFlag('listening'));
        await waitFor(() => seenByB.events.some((e) => e.kind === 'flags' && e.keys.includes('listening')), {
          timeoutMs: options.propagationTimeoutMs,
          description: 'first flag change reaching client B',
        });
        await waitFor(() => seenByA.events.some((e) => e.kind === 'flags' && e.keys.includes('listening')), { description: "A's own change" });
        seenByA.events.length = 0;
        seenByB.events.length = 0;
        await a.upsertFlag(numberFlag('propagated'));
        await waitFor(() => seenByB.events.some((e) => e.kind === 'flags' && e.keys.includes('propagated')), {
          timeoutMs: options.propagationTimeoutMs,
          description: 'flag change reaching client B',
        });
        expect(seenByB.events).toContainEqual({ kind: 'flags', keys: ['propagated'], origin: a.clientId });
        expect((await b.getFlag('propagated'))?.version).toBe(1);

        await a.setValues([{ key: 'propagated', value: 2, scope: { tenant: 't' } }]);
        await waitFor(() => seenByB.events.some((e) => e.kind === 'values'), { timeoutMs: options.propagationTimeoutMs, description: 'values change reaching B' });
        expect(seenByB.events).toContainEqual({ kind: 'values', keys: ['propagated'], origin: a.clientId });

        await b.setFeatureValue('feat', 's', 1);
        await waitFor(() => seenByA.events.some((e) => e.kind === 'features'), { timeoutMs: options.propagationTimeoutMs, description: 'feature change reaching A' });
        expect(seenByA.events).toContainEqual({ kind: 'features', features: ['feat'], origin: b.clientId });

        // Give echoes time to arrive: a client reports each of its own writes exactly once.
        await sleep(Math.min(500, options.propagationTimeoutMs));
        expect(seenByA.events.filter((e) => e.origin === a.clientId)).toEqual([
          { kind: 'flags', keys: ['propagated'], origin: a.clientId },
          { kind: 'values', keys: ['propagated'], origin: a.clientId },
        ]);
        expect(seenByB.events.filter((e) => e.origin === b.clientId)).toEqual([{ kind: 'features', features: ['feat'], origin: b.clientId }]);
      },
      options.slowTestTimeoutMs,
    );
  });
}
