import fc from 'fast-check';
import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy, createOriginGuard, normalizeOrigin, OriginRefusedError } from '../src/index';
import { runs } from '../../../tooling/testing/property.ts';
import { json, startServer, type TestServer } from './helpers';

/** A resolver that answers every name with the given addresses (what a hostile DNS server could do). */
function resolvingTo(...addresses: string[]): LookupFunction {
  return (_host: string, _opts: unknown, cb: (err: null, list: { address: string; family: number }[]) => void) =>
    cb(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
}

describe('AddressPolicy', () => {
  const policy = new AddressPolicy();

  it('refuses loopback, private, link-local and other non-public ranges, IPv4 and IPv6', () => {
    const refused: [string, RegExp][] = [
      ['127.0.0.1', /loopback/],
      ['127.255.0.9', /loopback/],
      ['10.1.2.3', /private/],
      ['172.16.0.1', /private/],
      ['172.31.255.255', /private/],
      ['192.168.1.1', /private/],
      ['169.254.169.254', /link-local/],
      ['0.0.0.0', /unspecified/],
      ['100.64.0.1', /carrier-grade/],
      ['224.0.0.1', /multicast/],
      ['255.255.255.255', /reserved/],
      ['::1', /loopback/],
      ['::', /unspecified/],
      ['fc00::1', /unique-local/],
      ['fd12:3456::1', /unique-local/],
      ['fe80::1', /link-local/],
      ['ff02::1', /multicast/],
    ];
    for (const [address, why] of refused) expect(policy.refusal(address), address).toMatch(why);
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '100.128.0.1']) expect(policy.refusal(address), address).toBeUndefined();
  });

  it('judges IPv4 addresses carried inside IPv6 by the IPv4 address', () => {
    for (const address of ['::ffff:127.0.0.1', '::ffff:7f00:1', '[::ffff:7f00:1]', '::ffff:0:127.0.0.1', '::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:c0a8:0101::1', '::ffff:169.254.169.254']) {
      expect(policy.refusal(address), address).toMatch(/loopback|private|link-local/);
    }
    expect(policy.refusal('::ffff:8.8.8.8')).toBeUndefined();
    expect(policy.refusal('2002:0808:0808::1')).toBeUndefined();
  });

  it('allows only what allowPrivate names, as blocks or single addresses', () => {
    const allowing = new AddressPolicy(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    expect(allowing.refusal('127.0.0.1')).toBeUndefined();
    expect(allowing.refusal('::ffff:127.0.0.1')).toBeUndefined();
    expect(allowing.refusal('127.0.0.2')).toMatch(/loopback/);
    expect(allowing.refusal('10.200.0.1')).toBeUndefined();
    expect(allowing.refusal('192.168.0.1')).toMatch(/private/);
    expect(allowing.refusal('fd00::5')).toBeUndefined();
    expect(allowing.refusal('::1')).toMatch(/loopback/);
    for (const bad of ['localhost', '10.0.0.0/33', '300.1.1.1', '1.2.3.4/8/1', '']) expect(() => new AddressPolicy([bad]), bad).toThrow(/is not an IP address or CIDR block/);
  });

  it('never lets an IPv6 spelling of a refused IPv4 address through (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
        const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        const verdict = policy.refusal(v4) === undefined;
        for (const v6 of [`::ffff:${v4}`, `::ffff:${hex}`, `64:ff9b::${hex}`]) expect(policy.refusal(v6) === undefined, v6).toBe(verdict);
      }),
      { numRuns: runs(500) },
    );
  });
});

describe('normalizeOrigin', () => {
  it('keeps scheme, host and port, and refuses anything more', () => {
    expect(normalizeOrigin('https://API.example.com')).toBe('https://api.example.com');
    expect(normalizeOrigin('http://10.0.0.5:8080/')).toBe('http://10.0.0.5:8080');
    expect(normalizeOrigin('https://example.com:443')).toBe('https://example.com');
    expect(() => normalizeOrigin('https://example.com/path')).toThrow(/origin only/);
    expect(() => normalizeOrigin('https://example.com/?q')).toThrow(/origin only/);
    expect(() => normalizeOrigin('https://u:p@example.com')).toThrow(/credentials/);
    expect(() => normalizeOrigin('ftp://example.com')).toThrow(/http or https/);
    expect(() => normalizeOrigin('example.com')).toThrow(/not an origin/);
  });
});

describe('createOriginGuard', () => {
  let upstream: TestServer;
  let attacker: TestServer;
  beforeAll(async () => {
    attacker = await startServer((_req, _body, res) => json(res, 200, { stolen: true }));
    upstream = await startServer((req, _body, res) => {
      if (req.url === '/to-attacker') {
        res.writeHead(302, { location: `${attacker.url}/collect` });
        return void res.end();
      }
      if (req.url?.startsWith('/hop/')) {
        const n = Number(req.url.slice(5));
        res.writeHead(307, { location: n > 0 ? `/hop/${n - 1}` : '/done' });
        return void res.end();
      }
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.end('x'.repeat(5000));
      }
      return json(res, 200, { path: req.url, host: req.headers.host });
    });
  });
  afterAll(async () => {
    expect(attacker.connections).toBe(0);
    await upstream.close();
    await attacker.close();
  });

  it('refuses loopback by default, before any connection opens', async () => {
    const guard = createOriginGuard();
    try {
      const before = upstream.connections;
      await expect(guard.fetch(`${upstream.url}/x`)).rejects.toThrow(new OriginRefusedError(`refused ${upstream.url}: 127.0.0.1 is a loopback address`));
      for (const spelling of [`http://0x7f000001:${upstream.port}/`, `http://2130706433:${upstream.port}/`, `http://127.1:${upstream.port}/`, `http://[::ffff:127.0.0.1]:${upstream.port}/`, `http://0.0.0.0:${upstream.port}/`]) {
        await expect(guard.fetch(spelling), spelling).rejects.toBeInstanceOf(OriginRefusedError);
      }
      expect(upstream.connections).toBe(before);
    } finally {
      await guard.close();
    }
  });

  it('checks the addresses a name resolves to when the connection opens', async () => {
    const before = upstream.connections;
    const viaDns = createOriginGuard();
    const viaLookup = createOriginGuard({ lookup: resolvingTo('127.0.0.1') });
    // A public first answer does not carry a refused second one through.
    const mixed = createOriginGuard({ lookup: resolvingTo('93.184.216.34', '127.0.0.1') });
    try {
      await expect(viaDns.fetch(`http://localhost:${upstream.port}/x`)).rejects.toThrow(/refused to connect to localhost: it resolves to (127\.0\.0\.1|::1) is a loopback address/);
      await expect(viaLookup.fetch(`http://upstream.test:${upstream.port}/x`)).rejects.toThrow('refused to connect to upstream.test: it resolves to 127.0.0.1 is a loopback address');
      await expect(mixed.fetch(`http://upstream.test:${upstream.port}/x`)).rejects.toThrow('refused to connect to upstream.test: it resolves to 127.0.0.1 is a loopback address');
      expect(upstream.connections).toBe(before);
    } finally {
      await Promise.all([viaDns.close(), viaLookup.close(), mixed.close()]);
    }
  });

  it('connects through the injected lookup when the address is allowed', async () => {
    const guard = createOriginGuard({ allowPrivate: ['127.0.0.1'], lookup: resolvingTo('127.0.0.1') });
    try {
      const res = await guard.fetch(`http://upstream.test:${upstream.port}/hello`);
      expect(JSON.parse(res.text())).toEqual({ path: '/hello', host: `upstream.test:${upstream.port}` });
    } finally {
      await guard.close();
    }
  });

  it('follows same-origin redirects up to 5 and refuses cross-origin ones', async () => {
    const guard = createOriginGuard({ allowPrivate: ['127.0.0.1'] });
    try {
      const five = await guard.fetch(`${upstream.url}/hop/4`);
      expect(five).toMatchObject({ status: 200, redirects: 5, url: `${upstream.url}/done` });
      await expect(guard.fetch(`${upstream.url}/hop/5`)).rejects.toMatchObject({ code: 'TOO_MANY_REDIRECTS' });
      await expect(guard.fetch(`${upstream.url}/to-attacker`, { method: 'POST', body: 'secret', headers: { 'x-api-key': 'k' } })).rejects.toThrow(
        `POST ${upstream.url}/to-attacker redirected to another origin (${attacker.url}); only redirects within ${upstream.url} are followed`,
      );
    } finally {
      await guard.close();
    }
  });

  it('confines requests to allow-listed origins and refuses credentials in URLs', async () => {
    const guard = createOriginGuard({ allowPrivate: ['127.0.0.1'], allowOrigins: [upstream.url] });
    try {
      expect((await guard.fetch(`${upstream.url}/ok`)).status).toBe(200);
      await expect(guard.fetch(`${attacker.url}/x`)).rejects.toThrow(`refused ${attacker.url}: not an allowed origin (allowed: ${upstream.url})`);
      await expect(guard.fetch(`${upstream.url}/ok`, { allowOrigins: ['https://elsewhere.example'] })).rejects.toThrow(/not an origin this workflow allows/);
      await expect(guard.fetch(`http://a:b@127.0.0.1:${upstream.port}/`)).rejects.toThrow(/must not carry credentials/);
      await expect(guard.fetch('file:///etc/passwd')).rejects.toThrow('unsupported URL scheme "file:"; use http or https');
    } finally {
      await guard.close();
    }
  });

  it('stops reading a response past maxResponseBytes', async () => {
    const guard = createOriginGuard({ allowPrivate: ['127.0.0.1'], maxResponseBytes: 1000 });
    try {
      await expect(guard.fetch(`${upstream.url}/big`)).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    } finally {
      await guard.close();
    }
  });
});
