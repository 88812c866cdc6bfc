import { expect } from 'vitest';
import type { AuditEntry, FlagDefinition } from '@switchyard/core';
import { describeCases, type SuiteContext } from '../context';
import { rejectionOf } from '../expect-error';
import { numberFlag } from '../fixtures';
import { waitFor } from '../wait-for';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Audit entries outlive the suite's API reset, so every test audits keys of its own. */
function uniqueKey(label: string): string {
  return `audit-${label}-${Math.random().toString(36).slice(2, 10)}`;
}

const shape = (e: AuditEntry) => ({ actor: e.actor, action: e.action, key: e.key, before: e.before, after: e.after });

export const auditCases = describeCases('audit', changeEntryCases, purgeSharingAndRetentionCases);

/** Entries of applied changes, and paging through them. */
function changeEntryCases({ test, client }: SuiteContext): void {
  test('one entry per applied change with actor, action, before and after, newest first', async () => {
    const store = await client();
    const key = uniqueKey('life');
    const v1 = await store.upsertFlag(numberFlag(key), { actor: 'alice' });
    const v2 = await store.upsertFlag(numberFlag(key, { description: 'second' }));
    await store.setValues([{ key, value: 3 }], { actor: 'bob' });
    await store.setValues([{ key, value: 4, scope: { tenant: 't' } }], { actor: 'bob' });
    await store.deleteFlag(key, { actor: 'carol' });

    const entries = await store.listAudit({ key });
    expect(entries.map(shape)).toEqual([
      { actor: 'carol', action: 'flag.delete', key, before: v2.definition, after: null },
      { actor: 'bob', action: 'values.update', key, before: { rootValue: 3 }, after: { rootValue: 3, scopedValues: { 'tenant::t': 4 } } },
      { actor: 'bob', action: 'values.update', key, before: null, after: { rootValue: 3 } },
      { actor: 'system', action: 'flag.upsert', key, before: v1.definition, after: v2.definition },
      { actor: 'alice', action: 'flag.upsert', key, before: null, after: v1.definition },
    ]);
    for (const e of entries) {
      expect(Number.isInteger(e.id)).toBe(true);
      expect(e.at).toMatch(ISO);
    }
    const ids = entries.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('a batch touching several keys writes one entry per key; removing every value records after null', async () => {
    const store = await client();
    const a = uniqueKey('a');
    const b = uniqueKey('b');
    await store.upsertFlag(numberFlag(a));
    await store.setValues([
      { key: a, value: 1 },
      { key: b, value: 'legacy', remoteOnly: true },
      { key: a, value: 2, scope: { user: 'u' } },
    ], { actor: 'ops' });
    expect((await store.listAudit({ key: a })).map(shape)[0]).toEqual({
      actor: 'ops',
      action: 'values.update',
      key: a,
      before: null,
      after: { rootValue: 1, scopedValues: { 'user::u': 2 } },
    });
    expect((await store.listAudit({ key: b })).map(shape)).toEqual([
      { actor: 'ops', action: 'values.update', key: b, before: null, after: { rootValue: 'legacy' } },
    ]);
    await store.setValues([{ key: b, value: null, remoteOnly: true }], { actor: 'ops' });
    expect((await store.listAudit({ key: b, limit: 1 })).map(shape)).toEqual([
      { actor: 'ops', action: 'values.update', key: b, before: { rootValue: 'legacy' }, after: null },
    ]);
  });

  test('refused writes leave no audit entry', async () => {
    const store = await client();
    const key = uniqueKey('refused');
    await store.upsertFlag(numberFlag(key));
    const before = await store.listAudit({ key });
    await rejectionOf(store.upsertFlag(numberFlag(key), { expectedVersion: 7 }));
    await rejectionOf(store.upsertFlag({ key, type: 'number', fallbackValue: 'x' } as unknown as FlagDefinition));
    await rejectionOf(store.setValues([{ key, value: 'not a number' }]));
    await rejectionOf(store.setValues([{ key, value: 1, expectedVersion: 3 }]));
    await rejectionOf(store.deleteFlag(key, { expectedVersion: 9 }));
    expect(await store.listAudit({ key })).toEqual(before);
    expect(before).toHaveLength(1);
  });

  test('paging: limit and beforeId walk the entries of a key newest first', async () => {
    const store = await client();
    const key = uniqueKey('paging');
    const other = uniqueKey('other');
    for (let i = 1; i <= 5; i++) {
      await store.upsertFlag(numberFlag(key, { description: `v${i}` }));
      await store.upsertFlag(numberFlag(other, { description: `v${i}` }));
    }
    const described = (entries: AuditEntry[]) => entries.map((e) => (e.after as { description?: string }).description);
    const page1 = await store.listAudit({ key, limit: 2 });
    expect(described(page1)).toEqual(['v5', 'v4']);
    const page2 = await store.listAudit({ key, limit: 2, beforeId: page1[1]!.id });
    expect(described(page2)).toEqual(['v3', 'v2']);
    const page3 = await store.listAudit({ key, limit: 2, beforeId: page2[1]!.id });
    expect(described(page3)).toEqual(['v1']);
    expect(await store.listAudit({ key, beforeId: page3[0]!.id })).toEqual([]);
    const everything = await store.listAudit({ limit: 4 });
    expect(everything.map((e) => e.key)).toEqual([other, key, other, key]);
  });
}

/** Purges, entries seen by other clients, and retention. */
function purgeSharingAndRetentionCases({ test, client, clientWith, options }: SuiteContext): void {
  test('purging feature results is audited per feature with the number removed', async () => {
    const store = await client();
    const feature = uniqueKey('feature');
    await store.setFeatureValue(feature, 'a', 1);
    await store.setFeatureValue(feature, 'b', 2);
    expect(await store.purgeFeatures([feature])).toBe(2);
    expect((await store.listAudit({ key: feature })).map(shape)).toEqual([
      { actor: 'system', action: 'feature.purge', key: feature, before: 2, after: null },
    ]);
    expect(await store.purgeFeatures([feature])).toBe(0);
    expect(await store.listAudit({ key: feature })).toHaveLength(1);
  });

  test('a second client reads the audit the first wrote', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    const key = uniqueKey('shared');
    await a.upsertFlag(numberFlag(key), { actor: 'alice' });
    expect((await b.listAudit({ key })).map((e) => e.actor)).toEqual(['alice']);
  });

  test('retention (auditMaxEntries) keeps the newest entries and drops older ones from every view', async () => {
    const store = await clientWith({ auditMaxEntries: 5 });
    const keys = Array.from({ length: 12 }, (_, i) => uniqueKey(`keep${i}`));
    for (const key of keys) await store.upsertFlag(numberFlag(key), { actor: 'retention' });
    const newest = keys.slice(-5).reverse();
    // Removal may trail the write that triggered it.
    await waitFor(async () => (await store.listAudit({ limit: 100 })).length <= 5, { description: 'audit trimmed to 5 entries' });
    expect((await store.listAudit({ limit: 100 })).map((e) => e.key)).toEqual(newest);
    expect(await store.listAudit({ key: keys[0]! })).toEqual([]);
    expect((await store.listAudit({ key: keys[11]! })).map(shape)).toEqual([
      { actor: 'retention', action: 'flag.upsert', key: keys[11], before: null, after: expect.objectContaining({ key: keys[11] }) },
    ]);
    // The flags themselves are untouched: retention trims history, not state.
    expect((await store.getFlag(keys[0]!))?.definition.key).toBe(keys[0]);
  });

  test(
    'retention trims a large existing log (more than one batch) until only the newest entries remain',
    async () => {
      // 1,100 entries written without retention, in one batch of values (one entry per key).
      const plain = await client();
      const bulk = Array.from({ length: 1100 }, (_, i) => uniqueKey(`bulk${i}`));
      await plain.setValues(bulk.map((key) => ({ key, value: 1, remoteOnly: true })));
      const store = await clientWith({ auditMaxEntries: 5 });
      const last = uniqueKey('last');
      await store.upsertFlag(numberFlag(last));
      await waitFor(async () => (await store.listAudit({ limit: 100 })).length <= 5, { timeoutMs: 15_000, description: 'a 1,101-entry audit log trimmed to 5' });
      const kept = await store.listAudit({ limit: 100 });
      expect(kept[0]!.key).toBe(last);
      expect(kept.map((e) => e.key).slice(1)).toEqual(bulk.slice(-4).reverse());
    },
    options.slowTestTimeoutMs,
  );

  test('retention refuses a nonsensical auditMaxEntries', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(await rejectionOf(clientWith({ auditMaxEntries: bad }))).toMatchObject({ name: 'ValidationError' });
    }
  });
}
