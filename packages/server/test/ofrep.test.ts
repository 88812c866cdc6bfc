import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { OpenFeature } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers';

let s: TestServer;
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  s = await testServer({ env: { SWITCHYARD_API_KEYS: 'reader-key-0123456789:read' } });
  server = createServer(s.runtime.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await s.close();
});

const auth = { Authorization: 'Bearer reader-key-0123456789' };

describe('OFREP through the real OpenFeature SDK and OFREP provider', () => {
  it('evaluates typed flags with environment, targeting and variants', async () => {
    await OpenFeature.setProviderAndWait('switchyard', new OFREPProvider({ baseUrl, headers: [['Authorization', 'Bearer reader-key-0123456789']] }));
    const client = OpenFeature.getClient('switchyard');
    const staff = await client.getBooleanDetails('new-checkout', false, { targetingKey: 'u1', environment: 'production', email: 'Ann@Example.com' });
    expect(staff).toMatchObject({ flagKey: 'new-checkout', value: true, reason: 'TARGETING_MATCH' });
    expect(staff.flagMetadata).toMatchObject({ rule: 'staff' });
    expect(await client.getStringValue('checkout-currency', 'XXX', { environment: 'production', country: 'US' })).toBe('USD');
    expect(await client.getStringValue('checkout-currency', 'XXX', { environment: 'production', country: 'DE' })).toBe('EUR');
    const layout = await client.getObjectDetails('pricing-page-layout', {}, { accountId: 'acct-7' });
    expect(layout.reason).toBe('SPLIT');
    expect(['control', 'compact']).toContain(layout.variant);
    const again = await client.getObjectDetails('pricing-page-layout', {}, { accountId: 'acct-7' });
    expect(again.value).toEqual(layout.value);
    const missing = await client.getBooleanDetails('does-not-exist', true, {});
    expect(missing).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND', reason: 'ERROR' });
    const wrongType = await client.getNumberDetails('new-checkout', 7, { environment: 'development' });
    expect(wrongType).toMatchObject({ value: 7, errorCode: 'TYPE_MISMATCH' });
    await OpenFeature.close();
  });
});

describe('OFREP wire format', () => {
  const post = (path: string, body?: unknown, headers: Record<string, string> = auth) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('single evaluation: success, 404 FLAG_NOT_FOUND, 400 for a missing targeting key and invalid context', async () => {
    const ok = await post('/ofrep/v1/evaluate/flags/checkout_page', { context: { environment: 'staging' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ key: 'checkout_page', value: true, reason: 'STATIC', metadata: { flagSet: 'ab-tests' } });
    const missing = await post('/ofrep/v1/evaluate/flags/nope', {});
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag "nope" not found' });
    const noKey = await post('/ofrep/v1/evaluate/flags/purchase_button_component', { context: { environment: 'production' } });
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as { errorCode: string }).errorCode).toBe('TARGETING_KEY_MISSING');
    const badContext = await post('/ofrep/v1/evaluate/flags/checkout_page', { context: 'x' });
    expect(badContext.status).toBe(400);
    expect(await badContext.json()).toEqual({ key: 'checkout_page', errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be a JSON object of attributes' });
    const malformed = await fetch(`${baseUrl}/ofrep/v1/evaluate/flags/checkout_page`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: '{"context":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { errorCode: string }).errorCode).toBe('PARSE_ERROR');
  });

  it('bulk evaluation answers 304 for a matching If-None-Match and a new ETag after a change', async () => {
    const first = await post('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'u1', environment: 'production' } });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const body = (await first.json()) as { flags: { key: string }[] };
    expect(body.flags.map((f) => f.key)).toContain('checkout_page');
    const same = await post('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'u1', environment: 'production' } }, { ...auth, 'If-None-Match': etag });
    expect(same.status).toBe(304);
    const other = await post('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'u1', environment: 'development' } }, { ...auth, 'If-None-Match': etag });
    expect(other.status).toBe(200);
    await s.runtime.store.upsertFlag({ key: 'bulk-new', type: 'boolean', fallbackValue: false });
    await expect.poll(async () => (await post('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'u1', environment: 'production' } }, { ...auth, 'If-None-Match': etag })).status).toBe(200);
  });

  it('bulk evaluation refuses an invalid context with 400', async () => {
    const res = await post('/ofrep/v1/evaluate/flags', { context: [1] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be a JSON object of attributes' });
  });

  it('needs credentials', async () => {
    const res = await post('/ofrep/v1/evaluate/flags/checkout_page', {}, {});
    expect(res.status).toBe(401);
  });
});
