import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenFeature } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers';
import { locateOfrepOpenApi, ofrepValidators } from './ofrep-contract';

const FLAGD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'flagd');

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ manifests: FLAGD });
});
afterAll(async () => {
  await s.close();
});

/** Every answer of this file, validated against the OFREP OpenAPI document at the end. */
const answers: { kind: 'single' | 'bulk'; status: number; body: unknown; what: string }[] = [];

async function evaluate(key: string, body?: unknown) {
  const req = s.http.post(`/ofrep/v1/evaluate/flags/${key}`);
  const res = body === undefined ? await req : await req.set('Content-Type', 'application/json').send(JSON.stringify(body));
  answers.push({ kind: 'single', status: res.status, body: res.body, what: `${key} ${JSON.stringify(body)}` });
  return res;
}

describe('OFREP answers for flagd flags, as flagd answers them (ADR-0006)', () => {
  it('a disabled flag: 200 with reason DISABLED and no value', async () => {
    const res = await evaluate('maintenance', { context: {} });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ key: 'maintenance', reason: 'DISABLED', metadata: {} });
  });

  it('no default variant and no match: 200 with reason DEFAULT and no value', async () => {
    const res = await evaluate('greeting-test', { context: { country: 'FR' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ key: 'greeting-test', reason: 'DEFAULT', metadata: {} });
    expect((await evaluate('greeting-test', { context: { country: 'DE' } })).body).toMatchObject({ value: 'Good day', variant: 'formal', reason: 'TARGETING_MATCH' });
  });

  it('zero values are always present', async () => {
    for (const [key, value] of [['zero-bool', false], ['zero-number', 0], ['zero-string', ''], ['zero-object', {}]] as const) {
      const res = await evaluate(key, { context: {} });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ key, value, variant: 'zero', reason: 'STATIC', metadata: {} });
    }
  });

  it("only the flag's own metadata; nested and numeric attributes keep their types", async () => {
    const adult = await evaluate('checkout-v2', { context: { user: { age: 30 } } });
    expect(adult.body).toEqual({ key: 'checkout-v2', value: true, variant: 'on', reason: 'TARGETING_MATCH', metadata: { team: 'payments', revision: 3 } });
    expect((await evaluate('checkout-v2', { context: { user: { age: 12 } } })).body).toMatchObject({ value: false, reason: 'DEFAULT' });
    // A string is not a number to JsonLogic's >= either way: "30" >= 18 is true in JavaScript, as in flagd.
    expect((await evaluate('checkout-v2', { context: { user: { age: '30' } } })).body).toMatchObject({ value: true });
  });

  it('targetingKey is optional: without it fractional serves the default variant', async () => {
    expect((await evaluate('banner-split', { context: {} })).body).toMatchObject({ value: '', variant: 'none', reason: 'DEFAULT' });
    expect((await evaluate('banner-split')).status).toBe(200);
    const split = await evaluate('banner-split', { context: { targetingKey: 'user-7' } });
    expect(['A', 'B']).toContain(split.body.value);
    expect(split.body.reason).toBe('TARGETING_MATCH');
  });

  it('unknown key: 404 FLAG_NOT_FOUND; a missing variant or $ref: 400 with the error, so clients use their default', async () => {
    const missing = await evaluate('no-such-flag', { context: {} });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ key: 'no-such-flag', errorCode: 'FLAG_NOT_FOUND' });
    const wrong = await evaluate('wrong-variant', { context: { pick: 'z' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ key: 'wrong-variant', errorCode: 'GENERAL' });
    const unresolved = await evaluate('unresolved', { context: {} });
    expect(unresolved.status).toBe(400);
    expect(unresolved.body).toMatchObject({ key: 'unresolved', errorCode: 'PARSE_ERROR' });
  });

  it('bulk evaluation carries the same shapes', async () => {
    const res = await s.http.post('/ofrep/v1/evaluate/flags').set('Content-Type', 'application/json').send(JSON.stringify({ context: { country: 'FR' } }));
    answers.push({ kind: 'bulk', status: res.status, body: res.body, what: 'bulk' });
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries((res.body.flags as { key: string }[]).map((f) => [f.key, f]));
    expect(byKey.maintenance).toEqual({ key: 'maintenance', reason: 'DISABLED', metadata: {} });
    expect(byKey['greeting-test']).toEqual({ key: 'greeting-test', reason: 'DEFAULT', metadata: {} });
    expect(byKey['zero-number']).toMatchObject({ value: 0 });
  });

  it('@openfeature/ofrep-provider 0.1.3 with ofrep-core 0.1.x predates ADR-0006: a value-less answer becomes a GENERAL error (the value is still the caller default)', async () => {
    const server: Server = createServer(s.runtime.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await OpenFeature.setProviderAndWait('ofrep-0.1', new OFREPProvider({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
      const client = OpenFeature.getClient('ofrep-0.1');
      const disabled = await client.getBooleanDetails('maintenance', true);
      expect(disabled).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'GENERAL', errorMessage: 'The OFREP response does not match the expected format' });
      expect(await client.getStringValue('greeting-test', 'Hello', { country: 'DE' })).toBe('Good day');
    } finally {
      await OpenFeature.clearProviders();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

const openapi = locateOfrepOpenApi();
if ('missing' in openapi) console.warn(`\n  ⚠ SKIPPED: OFREP OpenAPI validation. ${openapi.missing}\n`);

describe.skipIf(!('file' in openapi))('OFREP OpenAPI contract', () => {
  it('every answer above conforms to the published schema', () => {
    const validate = ofrepValidators('file' in openapi ? openapi.file : '');
    expect(answers.length).toBeGreaterThan(15);
    const problems = answers.flatMap((a) => (a.kind === 'single' ? validate.single(a.status, a.body) : validate.bulk(a.status, a.body)).map((p) => `${a.what}: ${p}`));
    expect(problems).toEqual([]);
  });

  it("every answer for the example manifests' flags (native and Featuris) conforms too", async () => {
    const validate = ofrepValidators('file' in openapi ? openapi.file : '');
    const examples = await testServer();
    try {
      const problems: string[] = [];
      for (const context of [{}, { targetingKey: 'u1', environment: 'production', country: 'DE', email: 'ann@example.com' }, { environment: 'development' }]) {
        const bulk = await examples.http.post('/ofrep/v1/evaluate/flags').set('Content-Type', 'application/json').send(JSON.stringify({ context }));
        problems.push(...validate.bulk(bulk.status, bulk.body));
        for (const { key } of bulk.body.flags as { key: string }[]) {
          const one = await examples.http.post(`/ofrep/v1/evaluate/flags/${encodeURIComponent(key)}`).set('Content-Type', 'application/json').send(JSON.stringify({ context }));
          problems.push(...validate.single(one.status, one.body).map((p) => `${key}: ${p}`));
        }
      }
      expect(problems).toEqual([]);
    } finally {
      await examples.close();
    }
  });

  it('the validators reject what the protocol forbids', () => {
    const validate = ofrepValidators('file' in openapi ? openapi.file : '');
    expect(validate.single(200, { key: 'k', value: true })).not.toEqual([]);
    expect(validate.single(200, { key: 'k', reason: 'STATIC', value: [1] })).not.toEqual([]);
    expect(validate.single(404, { key: 'k', errorCode: 'GENERAL' })).not.toEqual([]);
    expect(validate.single(200, { key: 'k', reason: 'DEFAULT' })).toEqual([]);
  });
});
