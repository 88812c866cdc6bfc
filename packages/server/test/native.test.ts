import { describe, expect, it } from 'vitest';
import { ISO, sharedTestServer } from './helpers';

const s = sharedTestServer();

const def = { type: 'string', fallbackValue: 'blue', defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'plan', operator: 'eq', value: 'pro' }, serve: { type: 'static', value: 'gold' } }] } };

describe('native API /api/v1', () => {
  it('creates with If-Match: 0, refuses stale versions with 409 CONFLICT and serves the new definition at once', async () => {
    const created = await s.http.put('/api/v1/flags/button%2Fcolor').set('If-Match', '0').send(def);
    expect(created.status).toBe(200);
    expect(created.body.flag).toMatchObject({ version: 1, source: 'store', readOnly: false, createdAt: expect.stringMatching(ISO) });
    expect(created.body.flag.definition).toMatchObject({ key: 'button/color', type: 'string', fallbackValue: 'blue' });
    const again = await s.http.put('/api/v1/flags/button%2Fcolor').set('If-Match', '0').send(def);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: { code: 'CONFLICT', message: '"button/color" is at version 1, not 0; read it again and retry' } });
    const evaluated = await s.http.post('/api/v1/evaluate').send({ context: { plan: 'pro' }, flags: ['button/color'] });
    expect(evaluated.body.results).toEqual([expect.objectContaining({ key: 'button/color', value: 'gold', reason: 'TARGETING_MATCH' })]);
    const updated = await s.http.put('/api/v1/flags/button%2Fcolor').set('If-Match', '1').send({ ...def, key: 'button/color', fallbackValue: 'red' });
    expect(updated.body.flag.version).toBe(2);
  });

  it('validates definitions with 422 listing issues, and a mismatched key', async () => {
    const bad = await s.http.put('/api/v1/flags/bad').send({ type: 'number', fallbackValue: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('VALIDATION');
    expect(bad.body.error.issues.length).toBeGreaterThan(0);
    const mismatch = await s.http.put('/api/v1/flags/a').send({ ...def, key: 'b' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.message).toBe('body.key "b" does not match the key in the path "a"');
    const ifMatch = await s.http.put('/api/v1/flags/a').set('If-Match', 'abc').send(def);
    expect(ifMatch.status).toBe(400);
  });

  it('refuses to change manifest flags with 409 READ_ONLY and lists them read-only', async () => {
    const res = await s.http.put('/api/v1/flags/new-checkout').send({ type: 'boolean', fallbackValue: true });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('READ_ONLY');
    expect((await s.http.delete('/api/v1/flags/new-checkout')).body.error.code).toBe('READ_ONLY');
    const one = await s.http.get('/api/v1/flags/new-checkout');
    expect(one.body).toMatchObject({ version: 0, source: 'manifest', readOnly: true, definition: { key: 'new-checkout', flagSet: 'checkout' } });
    const list = await s.http.get('/api/v1/flags?flagSet=ab-tests');
    expect(list.body.flags.map((f: { definition: { key: string } }) => f.definition.key)).toEqual(['checkout_page', 'display_christmas_banner', 'purchase_button_component']);
    const all = await s.http.get('/api/v1/flags?includeDisabled=true');
    expect(all.body.flags.some((f: { definition: { key: string } }) => f.definition.key === 'button/color')).toBe(true);
  });

  it('applies value updates atomically and lists them with versions', async () => {
    const bad = await s.http.post('/api/v1/values').send({ updates: [{ key: 'button/color', value: 'green' }, { key: 'button/color', value: 3 }, { key: 'ghost', value: 1 }] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.issues).toEqual([
      { path: [1, 'value'], message: 'value "3" has invalid type number, must be string' },
      { path: [2, 'key'], message: 'key "ghost" has no definition; use remoteOnly to change values of keys without one' },
    ]);
    expect((await s.http.get('/api/v1/values')).body.values['button/color']).toBeUndefined();
    const ok = await s.http.post('/api/v1/values').send({ updates: [{ key: 'button/color', value: 'green' }, { key: 'button/color', value: 'teal', scope: { tenant: 'acme' } }] });
    expect(ok.status).toBe(204);
    expect((await s.http.get('/api/v1/values')).body.values['button/color']).toEqual({ rootValue: 'green', scopedValues: { 'tenant::acme': 'teal' }, version: 1 });
    const scoped = await s.http.post('/api/v1/evaluate').send({ context: { tenant: 'acme' }, flags: ['button/color'] });
    expect(scoped.body.results[0]).toMatchObject({ value: 'teal', reason: 'SCOPED' });
  });

  it('records the audit trail with the actor', async () => {
    const res = await s.http.get('/api/v1/audit?key=button%2Fcolor&limit=2');
    expect(res.status).toBe(200);
    expect(res.body.entries).toHaveLength(2);
    expect(res.body.entries[0]).toMatchObject({ key: 'button/color', actor: 'anonymous', action: 'values.update' });
    expect((await s.http.get('/api/v1/audit?limit=0')).status).toBe(422);
  });

  it('deletes with 200 then 404; features list and purge answer', async () => {
    expect((await s.http.delete('/api/v1/flags/button%2Fcolor')).body).toEqual({ deleted: true });
    expect((await s.http.delete('/api/v1/flags/button%2Fcolor')).status).toBe(404);
    expect((await s.http.get('/api/v1/flags/button%2Fcolor')).status).toBe(404);
    await s.runtime.store.setFeatureValue('beta', 'user-1', true);
    await s.runtime.store.setFeatureValue('gamma', 'user-1', 'x');
    expect((await s.http.get('/api/v1/features')).body).toEqual({ features: ['beta', 'gamma'] });
    expect((await s.http.post('/api/v1/features/purge').send({ except: ['gamma'] })).body).toEqual({ purged: 1 });
    expect((await s.http.get('/api/v1/features')).body).toEqual({ features: ['gamma'] });
  });

  it('takes back a definition as read (source {kind: store}), and refuses any other source instead of ignoring it', async () => {
    const created = await s.http.put('/api/v1/flags/round-trip').send({ type: 'boolean', fallbackValue: false });
    expect(created.body.flag.definition.source).toEqual({ kind: 'store' });
    const again = await s.http.put('/api/v1/flags/round-trip').send({ ...created.body.flag.definition, description: 'edited' });
    expect(again.status).toBe(200);
    const other = await s.http.put('/api/v1/flags/round-trip').send({ ...created.body.flag.definition, source: { kind: 'manifest', file: 'x.yaml' } });
    expect(other.status).toBe(422);
    expect(other.body.error.message).toBe('body.source: set by the server ({"kind": "store"} for flags written through the API); leave it out');
    expect((await s.http.get('/api/v1/flags/round-trip')).body.definition.description).toBe('edited');
  });
});
