// Resource abuse as a hostile client would try it: patterns that stall a backtracking engine,
// credential guessing, bodies that are huge, slow or unauthenticated, request lines that never
// end, and event streams held open by the hundred. No wall-clock thresholds: timings are ratios
// against a plain case in the same run, and waits are for events with generous bounds.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthFailureLimiter, createLogger, parseServerConfig, startServer, type RunningServer } from '../src/index';
import { EXAMPLES } from './helpers';

const KEYS = { read: 'resource-read-key-0123456789', write: 'resource-write-key-0123456789' };
const AUTH_ENV = { SWITCHYARD_API_KEYS: `${KEYS.read}:read,${KEYS.write}:write` };
const ADVERSARIAL = `${'a'.repeat(30)}!`;

/** A real listening server (timeouts, sockets) on a fresh SQLite file. */
async function listen(env: Record<string, string> = {}): Promise<{ server: RunningServer; port: number; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-resources-'));
  const parsed = parseServerConfig(['--port', '0', '--store', `sqlite:${path.join(dir, 'test.db')}`, '--manifests', EXAMPLES, '--no-watch'], env);
  if (parsed.errors) throw new Error(parsed.errors.join('; '));
  const server = await startServer(parsed.config, { handleSignals: false, logger: createLogger('silent'), requestLogging: false, defaultMetrics: false });
  return {
    server,
    port: Number(new URL(server.url).port),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `ready()` holds (checked every 10 ms, free when it already holds); rejects after `ms`. */
async function until(ready: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw TCP client: everything received, and a promise for the socket's close. */
function raw(port: number): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (data += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => data, closed };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no event within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('ReDoS: user patterns run in linear time end to end', () => {
  let s: Awaited<ReturnType<typeof listen>>;
  let base: string;
  const targeting = (pattern: string) => ({
    type: 'boolean',
    fallbackValue: false,
    defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'name', operator: 'matches', value: pattern }, serve: { type: 'static', value: true } }] },
  });
  const put = (key: string, body: object) => fetch(`${base}/api/v1/flags/${key}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const evaluate = (key: string) =>
    fetch(`${base}/ofrep/v1/evaluate/flags/${key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: { targetingKey: 'u', name: ADVERSARIAL } }) });

  beforeAll(async () => {
    s = await listen();
    base = `http://127.0.0.1:${s.port}`;
    expect((await put('redos-alternation', targeting('^(a|a)*$'))).status).toBe(200);
    expect((await put('redos-classes', targeting('(\\w|\\d)*$'))).status).toBe(200);
    expect((await put('plain-pattern', targeting('^a+$'))).status).toBe(200);
    expect((await put('redos-validated', { type: 'string', fallbackValue: 'aa', validations: [{ regex: '^(a|a)*$' }] })).status).toBe(200);
    expect((await put('plain-validated', { type: 'string', fallbackValue: 'aa', validations: [{ regex: '^a*$' }] })).status).toBe(200);
  });
  afterAll(() => s.close());

  it('patterns a linear-time engine cannot run are refused at write time with the reason (422)', async () => {
    const res = await put('backreference', targeting('^(a)\\1$'));
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain('back-references are not supported: patterns run on a linear-time engine');
    const cds = await put('lookahead', { type: 'string', fallbackValue: 'x', validations: [{ regex: '(?=x)x' }] });
    expect(cds.status).toBe(422);
  });

  it('a 30-character adversarial input costs about what a plain pattern costs, over HTTP', async () => {
    const time = async (key: string) => {
      const t: number[] = [];
      for (let i = 0; i < 15; i++) {
        const start = performance.now();
        const res = await evaluate(key);
        await res.text();
        t.push(performance.now() - start);
      }
      return median(t);
    };
    await time('plain-pattern');
    const plain = await time('plain-pattern');
    const alternation = await time('redos-alternation');
    const classes = await time('redos-classes');
    console.log(`[redos] OFREP evaluation with a 31-char input, median: plain ^a+$ ${plain.toFixed(2)} ms, ^(a|a)*$ ${alternation.toFixed(2)} ms, (\\w|\\d)*$ ${classes.toFixed(2)} ms`);
    // A backtracking engine needs about 1.5 s per evaluation here, a factor of hundreds.
    expect(alternation / plain).toBeLessThan(10);
    expect(classes / plain).toBeLessThan(10);
    expect(await (await evaluate('redos-alternation')).json()).toMatchObject({ value: false });
    expect(await (await evaluate('redos-classes')).json()).toMatchObject({ value: true });
  });

  it('a validation regex (cds validations[].regex) checks an adversarial value as fast as a plain one', async () => {
    const write = async (key: string) => {
      const start = performance.now();
      const res = await fetch(`${base}/rest/feature/redisUpdate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, value: ADVERSARIAL }) });
      expect(res.status).toBe(422);
      return performance.now() - start;
    };
    await write('plain-validated');
    const plain = median(await Promise.all([0, 1, 2, 3, 4].map(() => write('plain-validated'))));
    const adversarial = median(await Promise.all([0, 1, 2, 3, 4].map(() => write('redos-validated'))));
    expect(adversarial / plain).toBeLessThan(10);
  });

  it('/health stays responsive while 20 adversarial evaluations run', async () => {
    const healthDuring = async (key: string) => {
      const batch = Array.from({ length: 20 }, () => evaluate(key).then((r) => r.text()));
      const start = performance.now();
      const health = await fetch(`${base}/health`);
      const took = performance.now() - start;
      expect(health.status).toBe(200);
      await Promise.all(batch);
      return took;
    };
    await healthDuring('plain-pattern');
    const plain = median([await healthDuring('plain-pattern'), await healthDuring('plain-pattern'), await healthDuring('plain-pattern')]);
    const adversarial = median([await healthDuring('redos-alternation'), await healthDuring('redos-alternation'), await healthDuring('redos-alternation')]);
    console.log(`[redos] /health while 20 evaluations run, median: plain ${plain.toFixed(1)} ms, adversarial ^(a|a)*$ ${adversarial.toFixed(1)} ms`);
    // With a backtracking engine /health waits behind 20 × ~1.5 s of blocked event loop.
    expect(adversarial / plain).toBeLessThan(10);
  });
});

describe('failed-login limiter: a lockout is not an oracle', () => {
  it('locks out with exponential backoff, capped, and forgets an address that stays quiet', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter({ failures: 3, windowSeconds: 60, lockoutSeconds: 60, maxLockoutSeconds: 600 }, () => now);
    const lockouts: number[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 3; i++) expect(limiter.fail('10.0.0.1')).toBeUndefined();
      const wait = limiter.fail('10.0.0.1')!;
      lockouts.push(wait);
      expect(limiter.lockedOut('10.0.0.1')).toBe(wait);
      expect(limiter.lockedOut('10.0.0.2')).toBeUndefined();
      now += wait * 1000;
      expect(limiter.lockedOut('10.0.0.1')).toBeUndefined();
    }
    expect(lockouts).toEqual([60, 120, 240, 480, 600, 600]);
    // Quiet for longer than the longest lockout: the next lockout is short again.
    now += 601_000;
    for (let i = 0; i < 3; i++) limiter.fail('10.0.0.1');
    expect(limiter.fail('10.0.0.1')).toBe(60);
  });

  it('over HTTP: while locked out, right, wrong and missing credentials all get 429 with Retry-After; public routes answer', async () => {
    const s = await listen({ ...AUTH_ENV, SWITCHYARD_AUTH_FAILURE_LIMIT: '5' });
    try {
      const base = `http://127.0.0.1:${s.port}`;
      const get = (headers: Record<string, string> = {}) => fetch(`${base}/api/v1/flags`, { headers });
      expect((await get({ 'x-api-key': KEYS.read })).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await get({ 'x-api-key': `wrong-key-guess-00000${i}` })).status).toBe(401);
      const locked = await get({ 'x-api-key': 'wrong-key-guess-000006' });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBe(60);
      const attempts: Record<string, string>[] = [{ 'x-api-key': KEYS.read }, { authorization: `Bearer ${KEYS.write}` }, {}, { 'x-api-key': 'wrong-key-guess-000007' }];
      for (const headers of attempts) {
        const res = await get(headers);
        expect(res.status, JSON.stringify(headers)).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('bodies are read after authentication; slow requests cannot hold sockets', () => {
  let s: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    s = await listen({ ...AUTH_ENV, SWITCHYARD_HEADERS_TIMEOUT_MS: '500', SWITCHYARD_REQUEST_TIMEOUT_MS: '1500' });
  });
  afterAll(() => s.close());

  it('an unauthenticated request announcing 900 KB and sending 1 KB gets 401 at once and its socket is closed', async () => {
    const c = raw(s.port);
    c.socket.write(`POST /api/v1/values HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n${'x'.repeat(1024)}`);
    await within(c.closed, 10_000, 'socket close after 401');
    expect(c.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(c.received()).toMatch(/\r\nConnection: close\r\n/i);
  });

  it('an unauthenticated malformed or oversized body is 401, not 400 or 413: the body is never parsed', async () => {
    const base = `http://127.0.0.1:${s.port}`;
    const malformed = await fetch(`${base}/api/v1/values`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"updates": [' });
    expect(malformed.status).toBe(401);
    const wrongKey = await fetch(`${base}/api/v1/values`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'not-a-key-0123456789' }, body: 'x'.repeat(2 * 1024 * 1024) });
    expect(wrongKey.status).toBe(401);
    // The same malformed body with credentials is read: 400.
    const authenticated = await fetch(`${base}/api/v1/values`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEYS.write }, body: '{"updates": [' });
    expect(authenticated.status).toBe(400);
  });

  it('a request line that never ends is dropped after the headers timeout', async () => {
    const c = raw(s.port);
    c.socket.write('GET /api/v1/flags HTTP/1.1\r\nHost: 127.0');
    await within(c.closed, 10_000, 'socket close for a partial request line');
  });

  it('an authenticated body sent too slowly is cut off by the request timeout', async () => {
    const c = raw(s.port);
    c.socket.write(`POST /api/v1/values HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ${KEYS.write}\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n{"updates":`);
    await within(c.closed, 10_000, 'socket close for a slow body');
    expect(c.received()).toMatch(/^(HTTP\/1\.1 408 |$)/);
  });

  it('timeouts are configurable and bounded: headers within 20 s, request timeout not shorter', () => {
    expect(parseServerConfig([], { SWITCHYARD_HEADERS_TIMEOUT_MS: '60000' }).errors).toEqual(['SWITCHYARD_HEADERS_TIMEOUT_MS must be a whole number from 1 to 20000, got "60000"']);
    expect(parseServerConfig([], { SWITCHYARD_REQUEST_TIMEOUT_MS: '1000' }).errors).toEqual(['the request timeout (1000 ms) must not be shorter than the headers timeout (20000 ms)']);
    expect(s.server.server.headersTimeout).toBe(500);
    expect(s.server.server.requestTimeout).toBe(1500);
  });
});

describe('event streams are capped per client address and in total', () => {
  let s: Awaited<ReturnType<typeof listen>>;
  const open: IncomingMessage[] = [];
  beforeAll(async () => {
    s = await listen({ SWITCHYARD_STREAMS_PER_CLIENT: '3', SWITCHYARD_MAX_STREAMS: '5' });
  });
  afterAll(async () => {
    for (const res of open) res.destroy();
    await s.close();
  });

  /** Opens `GET /v1/stream` from `localAddress`; resolves with the response once its headers arrived. */
  const stream = (localAddress: string) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: s.port, path: '/v1/stream', localAddress, headers: { host: `127.0.0.1:${s.port}` } }, (res) => {
        if (res.statusCode === 200) open.push(res);
        else res.resume();
        resolve(res);
      });
      req.on('error', reject);
      req.end();
    });

  it('the fourth stream of one address is 429, the sixth of the server 503, and /health still answers', async () => {
    for (let i = 0; i < 3; i++) expect((await stream('127.0.0.2')).statusCode).toBe(200);
    const fourth = await stream('127.0.0.2');
    expect(fourth.statusCode).toBe(429);
    expect(fourth.headers['retry-after']).toBe('5');
    for (let i = 0; i < 2; i++) expect((await stream('127.0.0.3')).statusCode).toBe(200);
    const sixth = await stream('127.0.0.4');
    expect(sixth.statusCode).toBe(503);
    expect((await fetch(`http://127.0.0.1:${s.port}/health`)).status).toBe(200);
    // A closed stream frees its slot.
    open.shift()!.destroy();
    await until(() => (s.server.runtime.app.locals.switchyard as { openStreams(): number }).openStreams() === 4, 10_000, 'the stream to close');
    expect((await stream('127.0.0.4')).statusCode).toBe(200);
  });

  it('the caps are configuration with defaults of 16 per client and 1000 in total', () => {
    expect(parseServerConfig([]).config?.streamLimits).toEqual({ perClient: 16, total: 1000 });
    expect(parseServerConfig([], { SWITCHYARD_STREAMS_PER_CLIENT: '0' }).errors).toEqual(['SWITCHYARD_STREAMS_PER_CLIENT must be a whole number of at least 1, got "0"']);
  });
});
