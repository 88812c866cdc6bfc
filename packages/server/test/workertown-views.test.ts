import { describe, expect, it } from 'vitest';
import { ISO, sharedTestServer } from './helpers';

const s = sharedTestServer();

/** Everything a write could change, read back through the store. */
async function storeState(): Promise<string> {
  const store = s.runtime.store;
  return JSON.stringify({ flags: await store.listFlags({ includeDisabled: true }), values: await store.listValues(), audit: await store.listAudit({ limit: 1000 }) });
}

const split = {
  type: 'string',
  fallbackValue: 'a',
  description: 'An A/B test.',
  defaultRule: { type: 'variant', variants: [{ value: 'a', weight: 50 }, { value: 'b', weight: 50 }] },
};

describe('Workertown /v1 never loses what it cannot express', () => {
  it('shows a native flag it cannot express, says why, and names the native endpoint', async () => {
    await s.http.put('/api/v1/flags/ab-test').send(split).expect(200);
    const one = await s.http.get('/v1/flags/ab-test');
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual({
      name: 'ab-test',
      description: 'An A/B test.',
      enabled: true,
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
      expressible: false,
      reason: 'it is a string flag; its rule is a variant rule',
      native: '/api/v1/flags/ab-test',
    });
    const list = (await s.http.get('/v1/flags')).body.data as { name: string }[];
    expect(list.find((f) => f.name === 'ab-test')).toEqual(one.body.data);
  });

  it('refuses a /v1 PUT or DELETE of such a flag with 409 naming the native endpoint, and the flag stays as it was', async () => {
    const before = await storeState();
    const put = await s.http.put('/v1/flags/ab-test').send({ enabled: true });
    expect(put.status).toBe(409);
    expect(put.body).toEqual({
      status: 409,
      success: false,
      data: null,
      error: 'flag "ab-test" cannot be replaced through /v1 without losing what /v1 cannot express (it is a string flag; its rule is a variant rule); use PUT /api/v1/flags/ab-test',
    });
    const del = await s.http.delete('/v1/flags/ab-test');
    expect(del.status).toBe(409);
    expect(del.body.error).toMatch(/use DELETE \/api\/v1\/flags\/ab-test$/);
    expect(await storeState()).toBe(before);
    expect((await s.http.get('/api/v1/flags/ab-test')).body.definition).toMatchObject({ defaultRule: split.defaultRule });
  });

  it('treats maintained values, tags and other native-only settings as inexpressible too', async () => {
    await s.http.put('/v1/flags/plain').send({ conditions: [{ field: 'plan', operator: 'eq', value: 'pro' }] }).expect(200);
    expect((await s.http.get('/v1/flags/plain')).body.data.conditions).toEqual([{ field: 'plan', operator: 'eq', value: 'pro' }]);
    await s.http.post('/rest/feature/redisUpdate').send({ key: 'plain', value: true, scope: { tenant: 'acme' } }).expect(204);
    const withValues = (await s.http.get('/v1/flags/plain')).body.data;
    expect(withValues).toMatchObject({ expressible: false, reason: 'it has maintained (root or scoped) values', native: '/api/v1/flags/plain' });
    expect(withValues.conditions).toBeUndefined();
    const before = await storeState();
    expect((await s.http.put('/v1/flags/plain').send({})).status).toBe(409);
    expect((await s.http.delete('/v1/flags/plain')).status).toBe(409);
    expect(await storeState()).toBe(before);
    // Once the values are cleared, /v1 can express (and replace) it again.
    await s.http.post('/rest/feature/redisUpdate').send({ key: 'plain', value: null, scope: { tenant: 'acme' } }).expect(204);
    expect((await s.http.put('/v1/flags/plain').send({ enabled: false })).status).toBe(200);

    const tagged = { type: 'boolean', fallbackValue: false, tags: ['team-a'], defaultRule: { type: 'static', value: true } };
    await s.http.put('/api/v1/flags/tagged').send(tagged).expect(200);
    expect((await s.http.get('/v1/flags/tagged')).body.data).toMatchObject({ expressible: false, reason: 'it has tags' });
    expect((await s.http.put('/v1/flags/tagged').send({})).status).toBe(409);
  });

  it('shows manifest flags read-only with their source, and refuses writes to them naming the file', async () => {
    const list = (await s.http.get('/v1/flags?include_disabled=1')).body.data as { name: string; readOnly?: boolean; source?: { file: string } }[];
    const manifestNames = s.runtime.engine.definitions().filter((d) => d.source?.kind === 'manifest').map((d) => d.key).sort();
    expect(list.filter((f) => f.readOnly).map((f) => f.name).sort()).toEqual(manifestNames);
    const one = await s.http.get('/v1/flags/checkout_page');
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ name: 'checkout_page', readOnly: true, source: { kind: 'manifest', file: 'ab-tests.yaml', line: 2, column: 1 }, expressible: false });
    const before = await storeState();
    const put = await s.http.put('/v1/flags/checkout_page').send({ enabled: false });
    expect(put.status).toBe(409);
    expect(put.body.error).toBe('flag "checkout_page" is defined by the manifest ab-tests.yaml:2:1 and cannot be changed through the API; edit that file');
    const del = await s.http.delete('/v1/flags/checkout_page');
    expect(del.status).toBe(409);
    expect(del.body.error).toBe('flag "checkout_page" is defined by the manifest ab-tests.yaml:2:1 and cannot be deleted through the API; edit that file');
    const native = await s.http.delete('/api/v1/flags/checkout_page');
    expect(native.status).toBe(409);
    expect(native.body.error).toMatchObject({ code: 'READ_ONLY', message: expect.stringContaining('ab-tests.yaml:2:1') });
    expect(await storeState()).toBe(before);
  });

  it('refuses misspelt keys and conditions that can never match, with the /v1 path', async () => {
    const before = await storeState();
    const typo = await s.http.put('/v1/flags/new-one').set('Content-Type', 'application/json').send('{"enabeld": false}');
    expect(typo.status).toBe(422);
    expect(typo.body.error).toBe('body: unknown key "enabeld" (did you mean "enabled"?)');
    const never = await s.http.put('/v1/flags/new-one').send({ conditions: [{ field: 'age', operator: 'gt', value: 'abc' }, { field: 'plan', operator: 'eq' }] });
    expect(never.status).toBe(422);
    expect(never.body.error).toBe('body.conditions[0].value: operator gt compares numbers, got "abc"; body.conditions[1].value: operator eq needs a value to compare with');
    const condTypo = await s.http.put('/v1/flags/new-one').send({ conditions: [{ feild: 'age', operator: 'gt', value: 3 }] });
    expect(condTypo.status).toBe(422);
    expect(condTypo.body.error).toContain('body.conditions[0]: unknown key "feild" (did you mean "field"?)');
    expect(await storeState()).toBe(before);
    expect((await s.http.get('/v1/flags/new-one')).status).toBe(404);
  });

  it('a native change between the /v1 read and its write is a conflict, not a loss', async () => {
    await s.http.put('/v1/flags/racy').send({}).expect(200);
    const store = s.runtime.store;
    // The native write lands first; the /v1 write was based on version 1 and must not replace it.
    const original = store.upsertFlag.bind(store);
    let raced = false;
    store.upsertFlag = async (definition, options) => {
      if (!raced && definition.key === 'racy') {
        raced = true;
        await original({ ...definition, type: 'string', fallbackValue: 'x', defaultRule: { type: 'static', value: 'y' } });
      }
      return original(definition, options);
    };
    try {
      const res = await s.http.put('/v1/flags/racy').send({ description: 'v1 edit' });
      expect(res.status).toBe(409);
    } finally {
      store.upsertFlag = original;
    }
    expect((await s.http.get('/api/v1/flags/racy')).body.definition).toMatchObject({ type: 'string', fallbackValue: 'x' });
  });
});
