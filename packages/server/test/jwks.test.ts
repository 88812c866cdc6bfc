import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers';

let jwks: Server;
let s: TestServer;
type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let privateKey: SigningKey;
let otherKey: SigningKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  // A real JWKS endpoint on loopback, as an identity provider serves it.
  jwks = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  s = await testServer({ env: { FLAGS_JWKS_URL: url, FLAGS_JWT_ISSUER: 'https://idp.example', FLAGS_JWT_AUDIENCE: 'switchyard' } });
});

afterAll(async () => {
  await s?.close();
  await new Promise((r) => jwks.close(r));
});

const sign = (key: SigningKey, claims: Record<string, unknown> = {}, alg = 'RS256') =>
  new SignJWT(claims).setProtectedHeader({ alg, kid: 'k1' }).setSubject('svc').setIssuer('https://idp.example').setAudience('switchyard').setExpirationTime('5m').sign(key);

describe('JWT verified with a JWKS URL', () => {
  it('accepts tokens signed by a key of the set, with the role claim deciding', async () => {
    const reader = await sign(privateKey);
    expect((await s.http.get('/v1/flags').set('Authorization', `Bearer ${reader}`)).status).toBe(200);
    expect((await s.http.put('/v1/flags/jwks_flag').set('Authorization', `Bearer ${reader}`).send({})).status).toBe(403);
    const writer = await sign(privateKey, { role: 'write' });
    expect((await s.http.put('/v1/flags/jwks_flag').set('Authorization', `Bearer ${writer}`).send({})).status).toBe(200);
  });

  it('refuses tokens signed by another key, and unsigned or HMAC tokens (algorithm pinning)', async () => {
    expect((await s.http.get('/v1/flags').set('Authorization', `Bearer ${await sign(otherKey)}`)).status).toBe(401);
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'x', iss: 'https://idp.example', aud: 'switchyard', role: 'admin', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    expect((await s.http.get('/v1/admin/info').set('Authorization', `Bearer ${header}.${payload}.`)).status).toBe(401);
    const hmac = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuer('https://idp.example').setAudience('switchyard').setExpirationTime('5m').sign(new TextEncoder().encode('guessable-secret-guessable-secret'));
    expect((await s.http.get('/v1/admin/info').set('Authorization', `Bearer ${hmac}`)).status).toBe(401);
  });
});
