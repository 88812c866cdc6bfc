import fc from 'fast-check';
import type { LookupFunction } from 'node:net';
import { ValidationError } from '@switchyard/core';
import { createMemoryStore } from '@switchyard/store-memory';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowRunner, formatWorkflowDiagnostic, WorkflowDefinitionError, type RunResult, type WorkflowRunner, type WorkflowRunnerOptions } from '../src/index';
import { runs } from '../../../tooling/testing/property.ts';
import { json, LOOPBACK, startServer, type TestServer } from './helpers';

const API_TOKEN = 'tok_live_1f2e3d4c5b6a';
const HOOK_KEY = 'hk_9a8b7c6d5e4f';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXZhbHVl';

let upstream: TestServer;
let attacker: TestServer;

beforeAll(async () => {
  // Anything that reaches this server is a leak.
  attacker = await startServer((_req, _body, res) => json(res, 200, { thanks: 'for the token' }));
  upstream = await startServer((req, _body, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/api/redirect/same') {
      res.writeHead(302, { location: '/api/landed' });
      return void res.end();
    }
    if (path === '/api/redirect/attacker') {
      res.writeHead(302, { location: `${attacker.url}/collect` });
      return void res.end();
    }
    if (path === '/api/redirect/attacker-307') {
      res.writeHead(307, { location: `${attacker.url}/collect` });
      return void res.end();
    }
    if (path === '/api/redirect/localhost') {
      // The same address under another name is another origin.
      res.writeHead(302, { location: `http://localhost:${upstream.port}/api/landed` });
      return void res.end();
    }
    if (path === '/api/redirect/scheme-relative') {
      res.writeHead(301, { location: `//127.0.0.1:${attacker.port}/collect` });
      return void res.end();
    }
    if (path === '/api/redirect/loop') {
      res.writeHead(302, { location: '/api/redirect/loop' });
      return void res.end();
    }
    if (path === '/api/token') return json(res, 200, { token: API_TOKEN });
    if (path === '/api/error') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return void res.end(`upstream failure\nAuthorization: Bearer ${API_TOKEN}-other\nsession ${JWT}\n${'stack line\n'.repeat(200)}`);
    }
    return json(res, 200, { path: req.url, auth: req.headers.authorization ?? null, key: req.headers['x-api-key'] ?? null });
  });
});

afterEach(() => {
  // Every test below tries to reach the attacker; none may, not even with a bare connection.
  expect(attacker.requests).toEqual([]);
  expect(attacker.connections).toBe(0);
});
afterAll(async () => {
  await upstream.close();
  await attacker.close();
});

function options(extra: Partial<WorkflowRunnerOptions> = {}): WorkflowRunnerOptions {
  return {
    store: createMemoryStore(),
    environments: {
      dev: {
        baseUrls: { api: `${upstream.url}/api` },
        vars: { HOOK: `${upstream.url}/api/hooks/orders`, ELSEWHERE: `${attacker.url}/collect` },
        secrets: { API_TOKEN, HOOK_KEY: { value: HOOK_KEY, origins: [upstream.url] } },
      },
    },
    network: { allowPrivate: [...LOOPBACK.allowPrivate] },
    ...extra,
  };
}

const item = {
  product: 'shop',
  tag: 'item',
  input: { id: { type: 'string' as const, required: true } },
  steps: [{ tag: 'get', type: 'http' as const, base: 'api', url: '/items/$Input{id}', headers: { authorization: 'Bearer $Secret{API_TOKEN}', 'x-api-key': '$Secret{HOOK_KEY}' } }],
  output: '$Sequence{get}{body}',
};

describe('caller input cannot steer an http step', () => {
  let runner: WorkflowRunner;
  beforeAll(() => {
    runner = createWorkflowRunner(options());
    runner.register([
      item,
      {
        product: 'shop',
        tag: 'search',
        input: { q: { type: 'string', required: true } },
        steps: [{ tag: 'find', type: 'http', base: 'api', url: '/search?q=$Input{q}&page=1', headers: { authorization: 'Bearer $Secret{API_TOKEN}' } }],
        output: '$Sequence{find}{body}{path}',
      },
      {
        product: 'shop',
        tag: 'absolute',
        input: { id: { type: 'string', required: true } },
        steps: [{ tag: 'get', type: 'http', url: `${upstream.url}/api/files/$Input{id}`, headers: { 'x-api-key': '$Secret{HOOK_KEY}' } }],
        output: '$Sequence{get}{body}{path}',
      },
    ]);
  });
  afterAll(() => runner.close());

  const run = (id: string) => runner.run({ env: 'dev', product: 'shop', feature_tag: 'item', input: { id } });

  it('encodes every escape attempt into one path segment under the base path', async () => {
    const attempts = [
      `${attacker.url}/steal`,
      `//127.0.0.1:${attacker.port}/steal`,
      `\\\\127.0.0.1:${attacker.port}\\steal`,
      `/\\127.0.0.1:${attacker.port}/steal`,
      `a@127.0.0.1:${attacker.port}`,
      `@127.0.0.1:${attacker.port}/x`,
      '../../admin/x',
      '..%2F..%2Fadmin',
      '%2F..%2F..%2Fadmin',
      '%2e%2e/%2e%2e/admin',
      '%2e%2e',
      '...',
      'a/../../../x',
      '?admin=1#frag',
      'x\r\nHost: attacker',
    ];
    for (const id of attempts) {
      const before = upstream.requests.length;
      const result = await run(id);
      expect(result.status, id).toBe('completed');
      expect(upstream.requests.length, id).toBe(before + 1);
      const sent = upstream.requests.at(-1)!;
      // One segment under /api/items/, holding exactly the input: nothing was resolved or interpreted.
      expect(sent.url, id).toMatch(/^\/api\/items\/[^/?#]+$/);
      expect(decodeURIComponent(sent.url.slice('/api/items/'.length)), id).toBe(id);
      expect(sent.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    }
  });

  it('refuses input that would form a "." or ".." segment, sending nothing', async () => {
    for (const id of ['..', '.']) {
      const before = upstream.requests.length;
      const result = await run(id);
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ step: 'get', code: 'ORIGIN_REFUSED', message: `a value would form the path segment "${id}", which URLs resolve; refused` });
      expect(result.steps[0]!.attempts).toBe(1);
      expect(upstream.requests.length).toBe(before);
    }
  });

  it('keeps query values in their parameter', async () => {
    const result = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'search', input: { q: `x&page=9&redirect=${attacker.url}#y` } });
    expect(result.output).toBe(`/api/search?q=${encodeURIComponent(`x&page=9&redirect=${attacker.url}#y`)}&page=1`);
  });

  it('keeps a literal origin whatever the input (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', '.', '/', '\\', '%', '2', 'e', 'F', '@', ':', '?', '#', ' ', 'é') , minLength: 1, maxLength: 12 }), async (id) => {
        const result = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'absolute', input: { id } });
        if (id === '.' || id === '..') {
          expect(result.error?.code).toBe('ORIGIN_REFUSED');
          return;
        }
        expect(result.status).toBe('completed');
        const path = result.output as string;
        expect(path.startsWith('/api/files/')).toBe(true);
        expect(decodeURIComponent(path.slice('/api/files/'.length))).toBe(id);
      }),
      { numRuns: runs(60) },
    );
  });
});

describe('definitions that would let callers pick the destination are refused at load', () => {
  function problems(text: string): string[] {
    try {
      createWorkflowRunner(options()).loadText(text, 'workflows/escape.yaml');
    } catch (err) {
      if (err instanceof WorkflowDefinitionError) return err.diagnostics.map(formatWorkflowDiagnostic);
      throw err;
    }
    return [];
  }

  it('names the url and the value that would decide the origin', () => {
    const head = 'tag: wf\nproduct: shop\ninput:\n  url: { type: string }\n  host: { type: string }\nsteps:\n';
    expect(problems(`${head}  - tag: a\n    type: http\n    url: $Input{url}\n`)).toEqual([
      'workflows/escape.yaml:9:5 steps[0].url: $Input{url} would decide where the request goes: the origin (scheme://host:port/) must be written in the url, come from $Env or $Secret, or from a base URL (`base`); values of $Input, $Session and $Sequence may only fill the path or the query',
    ]);
    expect(problems(`${head}  - tag: a\n    type: notify\n    channel: webhook\n    url: $Input{url}\n`)[0]).toMatch(/^workflows\/escape\.yaml:10:5 steps\[0\]\.url: \$Input\{url\} would decide where the request goes/);
    expect(problems(`${head}  - tag: a\n    type: http\n    url: http://$Input{host}/x\n`)[0]).toMatch(/steps\[0\]\.url: \$Input\{host\} would decide where the request goes/);
    expect(problems(`${head}  - tag: a\n    type: http\n    url: https://api.example.com$Input{host}\n`)[0]).toMatch(/steps\[0\]\.url: \$Input\{host\} would decide/);
    expect(problems(`${head}  - tag: a\n    type: http\n    url: $Concat('https://', $Input{host})\n`)[0]).toMatch(/steps\[0\]\.url: \$Concat\('https:\/\/', \$Input\{host\}\) would decide/);
    expect(problems(`${head}  - tag: a\n    type: http\n    base: api\n    url: https://other.example/$Input{host}\n`)).toEqual(['workflows/escape.yaml:10:5 steps[0].url: with `base`, url is a path (and query) under the base URL, not an absolute URL']);
    expect(problems(`${head}  - tag: a\n    type: http\n    base: api\n    url: //other.example/x\n`)).toHaveLength(1);
    // The operator's values may decide the origin.
    expect(problems(`${head}  - tag: a\n    type: notify\n    channel: webhook\n    url: $Env{HOOK}\n`)).toEqual([]);
    expect(problems(`${head}  - tag: a\n    type: http\n    url: https://api.example.com/users/$Input{host}\n`)).toEqual([]);
  });

  it('checks allow_origins entries', () => {
    const text = 'tag: wf\nproduct: shop\nallow_origins: [api, "https://a.example/path", nope, "ftp://x"]\nsteps:\n  - { tag: a, type: http, base: api, url: /x }\n';
    expect(problems(text)).toEqual([
      'workflows/escape.yaml:3:22 allow_origins[1]: "https://a.example/path" must be an origin only (scheme://host[:port]), without a path, query or fragment',
      'workflows/escape.yaml:3:48 allow_origins[2]: base URL "nope" is not defined in any environment (dev)',
      'workflows/escape.yaml:3:54 allow_origins[3]: "ftp://x" is not an http or https origin',
    ]);
  });
});

describe('redirects', () => {
  let runner: WorkflowRunner;
  beforeAll(() => {
    runner = createWorkflowRunner(options());
    runner.register({
      product: 'shop',
      tag: 'follow',
      input: { kind: { type: 'string', required: true } },
      steps: [{ tag: 'go', type: 'http', method: 'POST', base: 'api', url: '/redirect/$Input{kind}', headers: { authorization: 'Bearer $Secret{API_TOKEN}', 'x-api-key': '$Secret{HOOK_KEY}' }, body: { card: '4242' } }],
      output: '$Sequence{go}{body}',
    });
  });
  afterAll(() => runner.close());
  const follow = (kind: string) => runner.run({ env: 'dev', product: 'shop', feature_tag: 'follow', input: { kind } });

  it('follows redirects within the origin, with the secrets', async () => {
    const result = await follow('same');
    expect(result.output).toEqual({ path: '/api/landed', auth: 'Bearer [REDACTED]', key: '[REDACTED]' });
    // A 302 after a POST continues as a GET without the body, as browsers do.
    expect(upstream.requests.at(-1)).toMatchObject({ method: 'GET', url: '/api/landed', body: '' });
    expect(upstream.requests.at(-1)!.headers).toMatchObject({ authorization: `Bearer ${API_TOKEN}`, 'x-api-key': HOOK_KEY });
  });

  it('fails the step on a redirect to another origin, and sends it nothing', async () => {
    for (const kind of ['attacker', 'attacker-307', 'localhost', 'scheme-relative']) {
      const result = await follow(kind);
      expect(result.status, kind).toBe('failed');
      expect(result.error!.code, kind).toBe('ORIGIN_REFUSED');
      expect(result.error!.message, kind).toMatch(new RegExp(`^POST ${upstream.url}/api/redirect/${kind} redirected to another origin \\(http://(127\\.0\\.0\\.1|localhost):\\d+\\); only redirects within ${upstream.url} are followed$`));
    }
  });

  it('stops after 5 redirects', async () => {
    const result = await follow('loop');
    expect(result.error).toMatchObject({ step: 'go', code: 'TOO_MANY_REDIRECTS' });
  });
});

describe('names that resolve to private addresses', () => {
  const lookupTo = (address: string): LookupFunction => (_h: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) => cb(null, [{ address, family: 4 }]);
  const runWith = async (baseUrl: string, network: WorkflowRunnerOptions['network']): Promise<RunResult> => {
    const runner = createWorkflowRunner({ ...options(), environments: { dev: { baseUrls: { api: baseUrl } } }, network });
    runner.register({ product: 'shop', tag: 'ping', steps: [{ tag: 'ping', type: 'http', base: 'api', url: '/ping' }], output: '$Sequence{ping}{body}{path}' });
    try {
      return await runner.run({ env: 'dev', product: 'shop', feature_tag: 'ping', input: {} });
    } finally {
      await runner.close();
    }
  };

  it('refuses loopback by default, also behind a name, and reaches it only when allowed', async () => {
    const before = upstream.connections;
    const literal = await runWith(upstream.url, {});
    expect(literal.error).toEqual({ step: 'ping', code: 'ORIGIN_REFUSED', message: `refused ${upstream.url}: 127.0.0.1 is a loopback address` });
    const localhost = await runWith(`http://localhost:${upstream.port}`, {});
    expect(localhost.error!.message).toMatch(/^refused to connect to localhost: it resolves to (127\.0\.0\.1|::1) is a loopback address$/);
    const rebound = await runWith(`http://api.test:${upstream.port}`, { lookup: lookupTo('127.0.0.1') });
    expect(rebound.error!.message).toBe('refused to connect to api.test: it resolves to 127.0.0.1 is a loopback address');
    const metadata = await runWith('http://metadata.test', { lookup: lookupTo('169.254.169.254') });
    expect(metadata.error!.message).toBe('refused to connect to metadata.test: it resolves to 169.254.169.254 is a link-local address');
    expect(upstream.connections).toBe(before);
    // The same name, allowed explicitly, reaches the upstream through the injected resolver.
    const allowed = await runWith(`http://api.test:${upstream.port}`, { lookup: lookupTo('127.0.0.1'), allowPrivate: ['127.0.0.1'] });
    expect(allowed.output).toBe('/ping');
    expect(upstream.requests.at(-1)!.headers.host).toBe(`api.test:${upstream.port}`);
  });
});

describe('secrets stay with their origins', () => {
  it('refuses to send a secret where it is not bound, even through an earlier step or an operator URL', async () => {
    const runner = createWorkflowRunner(options());
    runner.register([
      { product: 'shop', tag: 'hook_plain', steps: [{ tag: 'hook', type: 'notify', channel: 'webhook', url: '$Env{ELSEWHERE}', headers: { authorization: 'Bearer $Secret{API_TOKEN}' } }] },
      { product: 'shop', tag: 'hook_bound', steps: [{ tag: 'hook', type: 'notify', channel: 'webhook', url: '$Env{ELSEWHERE}', body: { key: '$Secret{HOOK_KEY}' } }] },
      {
        product: 'shop',
        tag: 'relay',
        steps: [
          { tag: 'read', type: 'http', base: 'api', url: '/token' },
          { tag: 'send', type: 'notify', channel: 'webhook', url: '$Env{ELSEWHERE}', body: { forwarded: '$Sequence{read}{body}{token}' } },
        ],
      },
      { product: 'shop', tag: 'hook_ok', steps: [{ tag: 'hook', type: 'notify', channel: 'webhook', url: '$Env{HOOK}', headers: { 'x-api-key': '$Secret{HOOK_KEY}' } }], output: '$Sequence{hook}{body}{key}' },
    ]);
    try {
      const run = (feature_tag: string) => runner.run({ env: 'dev', product: 'shop', feature_tag, input: {} });
      expect((await run('hook_plain')).error).toEqual({
        step: 'hook',
        code: 'SECRET_NOT_BOUND',
        message: `secret "API_TOKEN" may not be sent to ${attacker.url}: a secret given as a plain string goes only to the environment's base URLs (${upstream.url}); bind it with { value, origins: ["${attacker.url}"] }`,
      });
      expect((await run('hook_bound')).error).toEqual({ step: 'hook', code: 'SECRET_NOT_BOUND', message: `secret "HOOK_KEY" may not be sent to ${attacker.url}: it is bound to ${upstream.url}` });
      const relay = await run('relay');
      expect(relay.error).toMatchObject({ step: 'send', code: 'SECRET_NOT_BOUND' });
      expect(JSON.stringify(relay)).not.toContain(API_TOKEN);
      // Bound to the upstream, the same secret goes there (and is redacted from the output).
      const ok = await run('hook_ok');
      expect(ok.status).toBe('completed');
      expect(ok.output).toBe('[REDACTED]');
      expect(upstream.requests.at(-1)!.headers['x-api-key']).toBe(HOOK_KEY);
    } finally {
      await runner.close();
    }
  });

  it('quotes upstream error bodies only as a short excerpt with credentials masked', async () => {
    const runner = createWorkflowRunner(options());
    runner.register({ product: 'shop', tag: 'broken', steps: [{ tag: 'call', type: 'http', base: 'api', url: '/error' }] });
    try {
      const result = await runner.run({ env: 'dev', product: 'shop', feature_tag: 'broken', input: {} });
      const message = result.error!.message;
      expect(message.startsWith(`GET ${upstream.url}/api/error answered 500 Internal Server Error: upstream failure Authorization: Bearer [REDACTED] session [REDACTED] stack line`)).toBe(true);
      expect(message.endsWith('…')).toBe(true);
      expect(message.length).toBeLessThan(250);
      expect(message).not.toContain(API_TOKEN);
      expect(message).not.toContain(JWT);
      expect(message).not.toMatch(/\n/);
    } finally {
      await runner.close();
    }
  });
});

describe('allow-lists', () => {
  it('confines a workflow to its allow_origins and every run to the runner-wide allowOrigins', async () => {
    const hook = { tag: 'hook', type: 'notify' as const, channel: 'webhook' as const, url: '$Env{ELSEWHERE}' };
    const narrow = createWorkflowRunner(options());
    narrow.register({ product: 'shop', tag: 'narrow', allow_origins: ['api'], steps: [{ tag: 'ok', type: 'http', base: 'api', url: '/fine' }, hook] });
    const wide = createWorkflowRunner(options({ network: { allowPrivate: [...LOOPBACK.allowPrivate], allowOrigins: [upstream.url] } }));
    wide.register({ product: 'shop', tag: 'wide', steps: [{ tag: 'ok', type: 'http', base: 'api', url: '/fine' }, hook] });
    try {
      const a = await narrow.run({ env: 'dev', product: 'shop', feature_tag: 'narrow', input: {} });
      expect(a.steps.map((s) => s.status)).toEqual(['completed', 'failed']);
      expect(a.error).toEqual({ step: 'hook', code: 'ORIGIN_REFUSED', message: `refused ${attacker.url}: not an origin this workflow allows (allowed: ${upstream.url})` });
      const b = await wide.run({ env: 'dev', product: 'shop', feature_tag: 'wide', input: {} });
      expect(b.steps.map((s) => s.status)).toEqual(['completed', 'failed']);
      expect(b.error).toEqual({ step: 'hook', code: 'ORIGIN_REFUSED', message: `refused ${attacker.url}: not an allowed origin (allowed: ${upstream.url})` });
    } finally {
      await Promise.all([narrow.close(), wide.close()]);
    }
  });
});

describe('runner options', () => {
  it('refuses base URLs, secrets and network settings that cannot be honoured, naming each', () => {
    const err = (() => {
      try {
        createWorkflowRunner({
          store: createMemoryStore(),
          environments: {
            prd: {
              baseUrls: { a: 'ftp://files', b: 'https://u:p@api.example.com', c: 'https://api.example.com/?key=1', d: 'not a url' },
              secrets: { S1: { value: 'x', origins: ['https://a.example/path'] }, S2: { value: 'x' } as never, S3: { value: 'x', origins: [], scope: 1 } as never },
            },
          },
          network: { allowPrivate: ['lan'], allowOrigins: ['https://x.example/p'], maxResponseBytes: 0 },
          stepTimeoutMs: -1,
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'stepTimeoutMs: must be a positive whole number of milliseconds',
      'network.allowOrigins.0: "https://x.example/p" must be an origin only (scheme://host[:port]), without a path, query or fragment',
      'network.allowPrivate.0: "lan" is not an IP address or CIDR block (such as 10.0.0.0/8, 127.0.0.1 or fd00::/8)',
      'network.maxResponseBytes: must be a positive whole number of bytes',
      'environments.prd.baseUrls.a: "ftp://files" is not an http or https URL',
      'environments.prd.baseUrls.b: "https://api.example.com…" must not hold credentials: send them in headers from $Secret',
      'environments.prd.baseUrls.c: "https://api.example.com/?key=1" must not have a query or fragment: steps add their own',
      'environments.prd.baseUrls.d: "not a url" is not an absolute http or https URL',
      'environments.prd.secrets.S1.origins.0: "https://a.example/path" must be an origin only (scheme://host[:port]), without a path, query or fragment',
      'environments.prd.secrets.S2.origins: must list the origins the secret may be sent to, e.g. ["https://api.example.com"]',
      'environments.prd.secrets.S3.scope: unknown key "scope" (a bound secret is { value, origins })',
    ]);
  });
});
