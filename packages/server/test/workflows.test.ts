import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@switchyard/store-test-suite';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createServerRuntime, parseServerConfig, StartupError } from '../src/index';
import { testServer, type TestServer } from './helpers';

const SECRET = 'workflow-session-secret-0123456789abcdef';
let peer: Server;
let peerUrl: string;
let dir: string;
let s: TestServer;
/** `close` of each request held at the peer's `/hang`. */
const hung: Promise<void>[] = [];
let hangArrived: (() => void) | undefined;
const nextHang = () => new Promise<void>((resolve) => (hangArrived = resolve));

beforeAll(async () => {
  // A real HTTP peer the workflow calls.
  peer = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/hang') {
        // Never answers; tells the test when the request arrives and when its client goes away.
        hung.push(new Promise<void>((resolve) => res.once('close', () => resolve())));
        hangArrived?.();
        return;
      }
      if (req.url === '/down') {
        res.statusCode = 503;
        res.end(JSON.stringify({ error: 'down' }));
      } else if (req.url?.startsWith('/users/')) res.end(JSON.stringify({ id: req.url.slice(7), name: 'Ada', auth: req.headers.authorization }));
      else res.end(JSON.stringify({ received: JSON.parse(body || '{}') }));
    });
  });
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
  peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;

  dir = mkdtempSync(path.join(tmpdir(), 'sy-wf-server-'));
  mkdirSync(path.join(dir, 'workflows'));
  writeFileSync(
    path.join(dir, 'workflows', 'greet.yaml'),
    [
      'tag: greet_user',
      'product: demo',
      'input:',
      '  userId: { type: string, required: true }',
      'steps:',
      '  - tag: user',
      '    type: http',
      '    base: users',
      '    url: /users/$Input{userId}',
      '    headers:',
      '      authorization: Bearer $Secret{TOKEN}',
      '  - tag: echo',
      '    type: http',
      '    method: POST',
      '    base: users',
      '    url: /echo',
      '    body:',
      "      greeting: $Concat('Hello, ', $Sequence{user}{body}{name})",
      '      seller: $Session{user}{email}',
      'output:',
      '  message: $Sequence{echo}{body}{received}{greeting}',
      '  seller: $Sequence{echo}{body}{received}{seller}',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'workflows', 'outage.yaml'), ['tag: outage', 'product: ops', 'steps:', '  - tag: ping', '    type: http', '    base: users', '    url: /down'].join('\n'));
  writeFileSync(path.join(dir, 'workflows', 'hang.yaml'), ['tag: hang', 'product: ops', 'steps:', '  - tag: wait', '    type: http', '    base: users', '    url: /hang', '    timeout: 1m'].join('\n'));
  const config = path.join(dir, 'switchyard.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      workflows: {
        dir: 'workflows',
        environments: { dev: { baseUrls: { users: peerUrl }, secrets: { TOKEN: 'tok-secret-value' } } },
        sessions: { 'user-session': { secret: SECRET, claims: ['email'], key: 'user' } },
        // The peer listens on loopback, which workflow requests may reach only when allowed.
        network: { allowPrivate: ['127.0.0.1'] },
      },
    }),
  );
  s = await testServer({ argv: ['--config', config] });
});

afterAll(async () => {
  await s?.close();
  await new Promise((r) => peer.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const token = () => new SignJWT({ email: 'ada@example.com' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

describe('GET /v1/features/runs', () => {
  it('lists recent runs newest first with per-step status, filtered and limited, secrets redacted', async () => {
    const ok = await s.http
      .post('/v1/features/run')
      .send({ env: 'dev', product: 'demo', feature_tag: 'greet_user', input: { userId: 'u7' }, session: { tag: 'user-session', token: await token() } });
    const failed = await s.http.post('/v1/features/run').send({ env: 'dev', product: 'ops', feature_tag: 'outage', input: {} });
    expect([ok.body.status, failed.body.status]).toEqual(['completed', 'failed']);

    const res = await s.http.get('/v1/features/runs?limit=2');
    expect(res.status).toBe(200);
    expect(res.body.runs.map((r: { runId: string }) => r.runId)).toEqual([failed.body.runId, ok.body.runId]);
    expect(res.body.runs[0]).toMatchObject({ product: 'ops', feature_tag: 'outage', env: 'dev', status: 'failed', error: { step: 'ping' }, durationMs: failed.body.durationMs });
    expect(res.body.runs[0].steps).toEqual([expect.objectContaining({ tag: 'ping', status: 'failed', attempts: 1, error: expect.stringMatching(/503/) })]);
    expect(res.body.runs[1].steps.map((st: { tag: string; status: string }) => [st.tag, st.status])).toEqual([
      ['user', 'completed'],
      ['echo', 'completed'],
    ]);
    expect(res.body.runs[1]).not.toHaveProperty('input');
    expect(JSON.stringify(res.body)).not.toContain('tok-secret-value');

    const filtered = await s.http.get('/v1/features/runs?product=demo&feature_tag=greet_user');
    expect(filtered.body.runs[0].runId).toBe(ok.body.runId);
    expect(filtered.body.runs.every((r: { product: string; feature_tag: string }) => r.product === 'demo' && r.feature_tag === 'greet_user')).toBe(true);
    expect((await s.http.get('/v1/features/runs?product=nothing')).body).toEqual({ runs: [] });
  });

  it('validates the query and documents it in OpenAPI', async () => {
    for (const limit of ['0', '201', 'x', '1.5']) {
      const res = await s.http.get(`/v1/features/runs?limit=${limit}`);
      expect(res.status, limit).toBe(422);
      expect(res.body.error.issues[0].path).toEqual(['limit']);
    }
    const doc = await s.http.get('/open-api.json');
    const params = doc.body.paths['/v1/features/runs'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(['limit', 'product', 'feature_tag']);
  });

  it('answers { runs: [] } when the server has no workflows', async () => {
    const plain = await testServer();
    try {
      const res = await plain.http.get('/v1/features/runs');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ runs: [] });
    } finally {
      await plain.close();
    }
  });
});

describe('POST /v1/features/run', () => {
  it('runs a workflow feature with a session, records the run and never shows secrets', async () => {
    const res = await s.http
      .post('/v1/features/run')
      .send({ env: 'dev', product: 'demo', feature_tag: 'greet_user', input: { userId: 'u1' }, session: { tag: 'user-session', token: await token() } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(res.body.output).toEqual({ message: 'Hello, Ada', seller: 'ada@example.com' });
    expect(res.body.steps.map((st: { tag: string; status: string }) => [st.tag, st.status])).toEqual([
      ['user', 'completed'],
      ['echo', 'completed'],
    ]);
    expect(JSON.stringify(res.body)).not.toContain('tok-secret-value');
    const record = await s.http.get(`/v1/features/runs/${res.body.runId}`);
    expect(record.status).toBe(200);
    expect(JSON.stringify(record.body)).not.toContain('tok-secret-value');
  });

  it('answers 422 naming bad input, 404 for unknown features and runs, 401 for bad sessions', async () => {
    const bad = await s.http.post('/v1/features/run').send({ env: 'dev', product: 'demo', feature_tag: 'greet_user', input: {}, session: { tag: 'user-session', token: await token() } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.issues).toContainEqual({ path: ['input', 'userId'], message: 'is required' });
    const missing = await s.http.post('/v1/features/run').send({ env: 'dev', product: 'demo', feature_tag: 'nope', input: {} });
    expect(missing.status).toBe(404);
    expect((await s.http.get('/v1/features/runs/unknown-run')).status).toBe(404);
    const session = await s.http.post('/v1/features/run').send({ env: 'dev', product: 'demo', feature_tag: 'greet_user', input: { userId: 'u1' }, session: { tag: 'user-session', token: 'not.a.jwt' } });
    expect(session.status).toBe(401);
    expect((await s.http.post('/v1/features/run').send('{not json').set('content-type', 'application/json')).status).toBe(400);
  });

  it('answers 404 when the server has no workflows', async () => {
    const plain = await testServer();
    try {
      const res = await plain.http.post('/v1/features/run').send({ env: 'dev', product: 'demo', feature_tag: 'greet_user', input: {} });
      expect(res.status).toBe(404);
      expect(res.body.error.message).toMatch(/--workflows DIR/);
    } finally {
      await plain.close();
    }
  });

  it('refuses to start with invalid workflow definitions, naming file:line:col', async () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'sy-wf-broken-'));
    try {
      writeFileSync(path.join(broken, 'bad.yaml'), 'tag: bad\nproduct: demo\nsteps:\n  - tag: a\n    type: http\n    url: /x/$Input{missing}\n');
      const parsed = parseServerConfig(['--store', 'memory:', '--workflows', broken], {});
      const err = await createServerRuntime(parsed.config!, { logger: createLogger('silent'), defaultMetrics: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toMatch(/workflows in .* are invalid: .*bad\.yaml:\d+:\d+/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});

describe('workflow runs are bounded and contained', () => {
  it('cancels a run whose client disconnects: the upstream request is closed and the run is recorded as cancelled', async () => {
    const server = createHttpServer(s.runtime.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const arrived = nextHang();
      const client = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/v1/features/run', headers: { 'content-type': 'application/json' } });
      client.on('error', () => undefined);
      client.end(JSON.stringify({ env: 'dev', product: 'ops', feature_tag: 'hang', input: {} }));
      await arrived;
      client.destroy();
      // The abort reached the step's HTTP request...
      await hung.at(-1);
      // ...and the run ended as cancelled.
      const run = await waitFor(async () => {
        const latest = (await s.http.get('/v1/features/runs?feature_tag=hang&limit=1')).body.runs[0];
        return latest?.status === 'cancelled' ? latest : undefined;
      });
      expect(run).toMatchObject({ status: 'cancelled', error: { step: 'wait', code: 'ABORTED', message: 'the client disconnected' } });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('applies the configured deadline, and refuses loopback unless the config allows it', async () => {
    const wf = mkdtempSync(path.join(tmpdir(), 'sy-wf-bounded-'));
    try {
      mkdirSync(path.join(wf, 'workflows'));
      writeFileSync(path.join(wf, 'workflows', 'hang.yaml'), ['tag: hang', 'product: ops', 'steps:', '  - tag: wait', '    type: http', '    base: users', '    url: /hang', '    timeout: 1m'].join('\n'));
      const write = (name: string, workflows: Record<string, unknown>) => {
        const file = path.join(wf, name);
        writeFileSync(file, JSON.stringify({ workflows: { dir: 'workflows', environments: { dev: { baseUrls: { users: peerUrl } } }, ...workflows } }));
        return file;
      };
      const bounded = await testServer({ argv: ['--config', write('bounded.json', { network: { allowPrivate: ['127.0.0.1'] }, runDeadlineMs: 300 })] });
      const strict = await testServer({ argv: ['--config', write('strict.json', {})] });
      try {
        const [late] = await Promise.all([bounded.http.post('/v1/features/run').send({ env: 'dev', product: 'ops', feature_tag: 'hang', input: {} }), nextHang()]);
        expect(late.body).toMatchObject({ status: 'failed', error: { step: 'wait', code: 'DEADLINE_EXCEEDED', message: 'the run exceeded its deadline of 300 ms' } });
        await hung.at(-1);
        const refused = await strict.http.post('/v1/features/run').send({ env: 'dev', product: 'ops', feature_tag: 'hang', input: {} });
        expect(refused.body).toMatchObject({ status: 'failed', error: { step: 'wait', code: 'ORIGIN_REFUSED', message: `refused ${peerUrl}: 127.0.0.1 is a loopback address` } });
      } finally {
        await bounded.close();
        await strict.close();
      }
    } finally {
      rmSync(wf, { recursive: true, force: true });
    }
  });

  it('refuses network settings it cannot honour, naming them', async () => {
    const wf = mkdtempSync(path.join(tmpdir(), 'sy-wf-badnet-'));
    try {
      mkdirSync(path.join(wf, 'workflows'));
      const file = path.join(wf, 'bad.json');
      writeFileSync(file, JSON.stringify({ workflows: { dir: 'workflows', network: { allowOrigins: ['https://x.example/path'], allowPrivate: ['lan'] } } }));
      const parsed = parseServerConfig(['--store', 'memory:', '--config', file], {});
      const err = await createServerRuntime(parsed.config!, { logger: createLogger('silent'), defaultMetrics: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toBe(
        'workflow settings in the config file are invalid: workflows.network.allowOrigins.0: "https://x.example/path" must be an origin only (scheme://host[:port]), without a path, query or fragment; workflows.network.allowPrivate.0: "lan" is not an IP address or CIDR block (such as 10.0.0.0/8, 127.0.0.1 or fd00::/8)',
      );
      writeFileSync(file, JSON.stringify({ workflows: { dir: 'workflows', network: { allowPrivat: ['127.0.0.1'] }, runDeadline: 5 } }));
      expect(parseServerConfig(['--store', 'memory:', '--config', file], {}).errors).toEqual([
        `config file ${file}: workflows.network: unknown key "allowPrivat" (did you mean "allowPrivate"?)`,
        `config file ${file}: workflows: unknown key "runDeadline" (did you mean "runDeadlineMs"?)`,
      ]);
    } finally {
      rmSync(wf, { recursive: true, force: true });
    }
  });
});
