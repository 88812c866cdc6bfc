import { expect } from 'vitest';
import { ConflictError } from '@switchyard/core';
import { describeCases, type SuiteContext } from '../context';
import { rejectionOf } from '../expect-error';
import { booleanFlag, numberFlag, stringFlag } from '../fixtures';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const flagCases = describeCases('flags', upsertAndReadCases, deleteVersionAndCopyCases);

/** Creating, replacing and reading flag definitions. */
function upsertAndReadCases({ test, client }: SuiteContext): void {
  test('upsert creates version 1 with createdAt = updatedAt and source "store"', async () => {
    const store = await client();
    const stored = await store.upsertFlag(stringFlag('checkout.colour'));
    expect(stored.version).toBe(1);
    expect(stored.createdAt).toMatch(ISO);
    expect(stored.updatedAt).toBe(stored.createdAt);
    expect(stored.definition).toEqual({ ...stringFlag('checkout.colour'), source: { kind: 'store' } });
    expect(await store.getFlag('checkout.colour')).toEqual(stored);
  });

  test('upsert of an existing flag replaces it, bumps the version and keeps createdAt', async () => {
    const store = await client();
    const first = await store.upsertFlag(stringFlag('checkout.colour'));
    await new Promise((r) => setTimeout(r, 5));
    const second = await store.upsertFlag({ key: 'checkout.colour', type: 'string', fallbackValue: 'red' });
    expect(second.version).toBe(2);
    expect(second.createdAt).toBe(first.createdAt);
    expect(Date.parse(second.updatedAt)).toBeGreaterThan(Date.parse(first.updatedAt));
    // Replaced, not merged: fields of the first definition are gone.
    expect(second.definition).toEqual({ key: 'checkout.colour', type: 'string', fallbackValue: 'red', source: { kind: 'store' } });
    expect(await store.getFlag('checkout.colour')).toEqual(second);
    const third = await store.upsertFlag(booleanFlag('checkout.colour', { enabled: false }), { expectedVersion: 2 });
    expect(third.version).toBe(3);
  });

  test('a given source is kept as it is', async () => {
    const store = await client();
    const source = { kind: 'manifest' as const, file: 'flags/ab-tests.yaml', line: 3, column: 5 };
    const stored = await store.upsertFlag(booleanFlag('from-manifest', { source }));
    expect(stored.definition.source).toEqual(source);
    expect((await store.getFlag('from-manifest'))?.definition.source).toEqual(source);
  });

  test('getFlag of an unknown key resolves undefined', async () => {
    const store = await client();
    expect(await store.getFlag('nope')).toBeUndefined();
  });

  test('listFlags returns every flag sorted by key, filtered by enabled and flagSet', async () => {
    const store = await client();
    await store.upsertFlag(booleanFlag('b-off', { enabled: false, flagSet: 'ab-tests' }));
    await store.upsertFlag(booleanFlag('a-on', { flagSet: 'ab-tests' }));
    await store.upsertFlag(numberFlag('c-default', { flagSet: 'limits' }));
    await store.upsertFlag(booleanFlag('d-none'));
    const keys = (flags: { definition: { key: string } }[]) => flags.map((f) => f.definition.key);
    expect(keys(await store.listFlags())).toEqual(['a-on', 'b-off', 'c-default', 'd-none']);
    expect(keys(await store.listFlags({ includeDisabled: true }))).toEqual(['a-on', 'b-off', 'c-default', 'd-none']);
    expect(keys(await store.listFlags({ includeDisabled: false }))).toEqual(['a-on', 'c-default', 'd-none']);
    expect(keys(await store.listFlags({ flagSet: 'ab-tests' }))).toEqual(['a-on', 'b-off']);
    expect(keys(await store.listFlags({ flagSet: 'ab-tests', includeDisabled: false }))).toEqual(['a-on']);
    expect(await store.listFlags({ flagSet: 'missing' })).toEqual([]);
    const listed = await store.listFlags();
    expect(listed[2]).toEqual(await store.getFlag('c-default'));
  });
}

/** Deleting, optimistic versions, copies and round-trips of definitions. */
function deleteVersionAndCopyCases({ test, client }: SuiteContext): void {
  test('deleteFlag removes the definition and its values, and resolves false when there was none', async () => {
    const store = await client();
    await store.upsertFlag(numberFlag('limit'));
    await store.setValues([{ key: 'limit', value: 5 }, { key: 'limit', value: 6, scope: { tenant: 't1' } }]);
    expect(await store.deleteFlag('limit')).toBe(true);
    expect(await store.getFlag('limit')).toBeUndefined();
    expect(await store.getValues('limit')).toBeUndefined();
    expect(await store.listValues()).toEqual({});
    expect(await store.listFlags()).toEqual([]);
    expect(await store.deleteFlag('limit')).toBe(false);
    // A deleted key starts over.
    const again = await store.upsertFlag(numberFlag('limit'), { expectedVersion: 0 });
    expect(again.version).toBe(1);
  });

  test('stale expectedVersion on upsert and delete is refused with ConflictError', async () => {
    const store = await client();
    await store.upsertFlag(booleanFlag('guarded'));
    await store.upsertFlag(booleanFlag('guarded', { description: 'v2' }), { expectedVersion: 1 });

    const stale = await rejectionOf(store.upsertFlag(booleanFlag('guarded', { description: 'v3' }), { expectedVersion: 1 }));
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale).toMatchObject({ code: 'CONFLICT', key: 'guarded', expectedVersion: 1, actualVersion: 2 });
    expect(stale.message).toBe('"guarded" is at version 2, not 1; read it again and retry');

    const createOnly = await rejectionOf(store.upsertFlag(booleanFlag('guarded'), { expectedVersion: 0 }));
    expect(createOnly).toMatchObject({ code: 'CONFLICT', expectedVersion: 0, actualVersion: 2 });

    const staleDelete = await rejectionOf(store.deleteFlag('guarded', { expectedVersion: 1 }));
    expect(staleDelete).toBeInstanceOf(ConflictError);

    const current = await store.getFlag('guarded');
    expect(current?.version).toBe(2);
    expect(current?.definition.description).toBe('v2');
    expect(await store.deleteFlag('guarded', { expectedVersion: 2 })).toBe(true);
  });

  test('expectedVersion 0 creates only when the key does not exist', async () => {
    const store = await client();
    const created = await store.upsertFlag(booleanFlag('fresh'), { expectedVersion: 0 });
    expect(created.version).toBe(1);
    const err = await rejectionOf(store.upsertFlag(booleanFlag('fresh'), { expectedVersion: 0 }));
    expect(err).toBeInstanceOf(ConflictError);
  });

  test('returned records are copies: mutating them changes nothing stored', async () => {
    const store = await client();
    const stored = await store.upsertFlag(stringFlag('copy'));
    stored.definition.fallbackValue = 'mutated';
    stored.definition.tags?.push('mutated');
    const read = await store.getFlag('copy');
    expect(read?.definition.fallbackValue).toBe('blue');
    expect(read?.definition.tags).toEqual(['ui']);
    if (read) (read.definition.metadata as Record<string, unknown>).owner = 'mutated';
    expect((await store.listFlags())[0]?.definition.metadata).toEqual({ owner: 'web' });
  });

  test('definitions with unicode, nested metadata and every rule type round-trip unchanged', async () => {
    const store = await client();
    const definition = numberFlag('/check/priority', {
      description: 'Priorität ✓ 優先',
      metadata: { nested: { list: [1, 'two', null, { deep: true }] }, emoji: '🚦' },
      prerequisites: [{ flag: 'other', value: true }],
      defaultRule: {
        type: 'targeting',
        rules: [{ name: 'vip', when: { attribute: 'plan', operator: 'in', value: ['gold', 'platinum'] }, serve: { type: 'static', value: 10 } }],
        otherwise: { type: 'rollout', percentage: 25.5, value: 5, otherwise: { type: 'static', value: 1 } },
      },
    });
    await store.upsertFlag(definition);
    expect((await store.getFlag('/check/priority'))?.definition).toEqual({ ...definition, source: { kind: 'store' } });
  });
}
