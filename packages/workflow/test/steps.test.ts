import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore } from '@switchyard/store-memory';
import { serviceUrl, uniqueNamespace, waitFor } from '@switchyard/store-test-suite';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowRunner, type EnvironmentSettings } from '../src/index';
import { json, LOOPBACK, startServer, type TestServer } from './helpers';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sy-wf-steps-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function runnerWith(env: EnvironmentSettings) {
  return createWorkflowRunner({ store: createMemoryStore(), environments: { dev: env }, network: { allowPrivate: [...LOOPBACK.allowPrivate] } });
}
const run = (r: ReturnType<typeof runnerWith>, feature_tag: string, input: Record<string, unknown> = {}) => r.run({ env: 'dev', product: 'p', feature_tag, input });

describe('database steps: SQLite', () => {
  it('runs parameterised statements and never interpolates values into SQL', async () => {
    const path = join(tempDir(), 'app.db');
    const r = runnerWith({ databases: { main: { driver: 'sqlite', path } } });
    r.register({
      tag: 'users',
      product: 'p',
      input: { name: { type: 'string', required: true }, admin: { type: 'boolean', default: false } },
      steps: [
        { tag: 'create', type: 'database', connection: 'main', sql: 'CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, admin INTEGER, meta TEXT)' },
        { tag: 'insert', type: 'database', connection: 'main', sql: 'INSERT INTO users (name, admin, meta) VALUES (?, ?, ?)', params: ['$Input{name}', '$Input{admin}', { by: 'workflow' }] },
        { tag: 'read', type: 'database', connection: 'main', sql: 'SELECT name, admin, meta FROM users WHERE name = ?', params: ['$Input{name}'] },
      ],
      output: { inserted: '$Sequence{insert}{rowCount}', rows: '$Sequence{read}{rows}' },
    });
    const hostile = "Robert'); DROP TABLE users; --";
    const result = await run(r, 'users', { name: hostile, admin: true });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ inserted: 1, rows: [{ name: hostile, admin: 1, meta: '{"by":"workflow"}' }] });
    const again = await run(r, 'users', { name: 'Ada' });
    expect(again.output).toEqual({ inserted: 1, rows: [{ name: 'Ada', admin: 0, meta: '{"by":"workflow"}' }] });
    await r.close();
  });

  it('reports SQL errors as step failures', async () => {
    const r = runnerWith({ databases: { main: { driver: 'sqlite', path: ':memory:' } } });
    r.register({ tag: 'bad', product: 'p', steps: [{ tag: 'q', type: 'database', connection: 'main', sql: 'SELECT * FROM nowhere' }] });
    const result = await run(r, 'bad');
    expect(result.error).toEqual({ step: 'q', message: 'no such table: nowhere' });
    await r.close();
  });
});

const pgUrl = await serviceUrl('postgres');
describe.skipIf(!pgUrl)('database steps: Postgres', () => {
  const schema = uniqueNamespace('sy_wf');
  let r: ReturnType<typeof runnerWith>;
  beforeAll(() => {
    r = runnerWith({ databases: { pg: { driver: 'postgres', url: pgUrl! } } });
    r.register({
      tag: 'pg',
      product: 'p',
      input: { name: { type: 'string', required: true } },
      steps: [
        { tag: 'schema', type: 'database', connection: 'pg', sql: `CREATE SCHEMA IF NOT EXISTS ${schema}` },
        { tag: 'table', type: 'database', connection: 'pg', sql: `CREATE TABLE IF NOT EXISTS ${schema}.items (id serial PRIMARY KEY, name text NOT NULL, meta jsonb)` },
        { tag: 'insert', type: 'database', connection: 'pg', sql: `INSERT INTO ${schema}.items (name, meta) VALUES ($1, $2) RETURNING id, name, meta`, params: ['$Input{name}', '{"source":"wf"}'] },
        { tag: 'count', type: 'database', connection: 'pg', sql: `SELECT count(*)::int AS n FROM ${schema}.items WHERE name = $1`, params: ['$Input{name}'] },
      ],
      output: { row: '$Sequence{insert}{rows}{0}', n: '$Sequence{count}{rows}{0}{n}', rowCount: '$Sequence{insert}{rowCount}' },
    });
    r.register({ tag: 'pg_bad', product: 'p', steps: [{ tag: 'q', type: 'database', connection: 'pg', sql: `SELECT * FROM ${schema}.missing` }] });
  });
  afterAll(async () => {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    await r.close();
  });

  it('runs parameterised statements', async () => {
    const hostile = "x'); DROP TABLE items; --";
    const result = await run(r, 'pg', { name: hostile });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ row: { id: 1, name: hostile, meta: { source: 'wf' } }, n: 1, rowCount: 1 });
    const failed = await run(r, 'pg_bad');
    expect(failed.error).toEqual({ step: 'q', message: `relation "${schema}.missing" does not exist` });
  });
});

describe('notify steps', () => {
  let hook: TestServer;
  let smtp: SMTPServer;
  let smtpPort = 0;
  const mails: { from: string; to: string[]; data: string }[] = [];
  beforeAll(async () => {
    hook = await startServer((_req, _body, res) => json(res, 202, { queued: true }));
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, cb) {
        if (address.address.endsWith('@blocked.test')) return cb(new Error('mailbox unavailable'));
        cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await hook.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('posts webhooks and sends email over SMTP', async () => {
    const r = runnerWith({ vars: { HOOK: `${hook.url}/hooks/orders` }, mailers: { default: { host: '127.0.0.1', port: smtpPort } } });
    r.register({
      tag: 'notify',
      product: 'p',
      input: { email: { type: 'email', required: true }, orderId: { type: 'string', required: true } },
      steps: [
        { tag: 'hook', type: 'notify', channel: 'webhook', url: '$Env{HOOK}', headers: { 'x-order': '$Input{orderId}' }, body: { event: 'order.confirmed', id: '$Input{orderId}' }, parallel: 'n' },
        { tag: 'mail', type: 'notify', channel: 'email', mailer: 'default', from: 'shop@example.test', to: ['$Input{email}'], subject: 'Order $Input{orderId}', text: 'Thanks for order $Input{orderId}', parallel: 'n' },
      ],
      output: { hook: '$Sequence{hook}{status}', accepted: '$Sequence{mail}{accepted}' },
    });
    const result = await run(r, 'notify', { email: 'ada@example.com', orderId: 'o-1' });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ hook: 202, accepted: ['ada@example.com'] });
    expect(hook.requests.at(-1)).toMatchObject({ method: 'POST', url: '/hooks/orders', body: '{"event":"order.confirmed","id":"o-1"}' });
    expect(hook.requests.at(-1)!.headers['x-order']).toBe('o-1');
    expect(hook.requests.at(-1)!.headers['content-type']).toBe('application/json');
    const mail = mails.at(-1)!;
    expect(mail.from).toBe('shop@example.test');
    expect(mail.to).toEqual(['ada@example.com']);
    expect(mail.data).toContain('Subject: Order o-1');
    expect(mail.data).toContain('Thanks for order o-1');

    const blocked = await run(r, 'notify', { email: 'x@blocked.test', orderId: 'o-2' });
    expect(blocked.status).toBe('failed');
    expect(blocked.error!.step).toBe('mail');
    expect(blocked.error!.message).toContain('mailbox unavailable');
    await r.close();
  });
});

describe('storage steps', () => {
  it('puts and gets text and base64 files', async () => {
    const root = tempDir();
    const r = runnerWith({ storage: { files: { driver: 'local', root } } });
    r.register({
      tag: 'files',
      product: 'p',
      input: { name: { type: 'string', required: true }, data: { type: 'string', required: true } },
      steps: [
        { tag: 'put_text', type: 'storage', action: 'put', driver: 'files', path: 'docs/$Input{name}.json', content: { name: '$Input{name}' } },
        { tag: 'put_bin', type: 'storage', action: 'put', driver: 'files', path: 'bin/$Input{name}', content: '$Input{data}', encoding: 'base64' },
        { tag: 'get_text', type: 'storage', action: 'get', driver: 'files', path: '$Sequence{put_text}{path}' },
        { tag: 'get_bin', type: 'storage', action: 'get', driver: 'files', path: 'bin/$Input{name}', encoding: 'base64' },
        { tag: 'remove', type: 'storage', action: 'delete', driver: 'files', path: 'bin/$Input{name}' },
      ],
      output: { text: '$Sequence{get_text}{content}', bin: '$Sequence{get_bin}{content}', size: '$Sequence{put_bin}{size}', deleted: '$Sequence{remove}{deleted}' },
    });
    const data = Buffer.from([0, 1, 2, 250, 255]).toString('base64');
    const result = await run(r, 'files', { name: 'ada', data });
    expect(result.output).toEqual({ text: '{"name":"ada"}', bin: data, size: 5, deleted: true });
    expect(readFileSync(join(root, 'docs/ada.json'), 'utf8')).toBe('{"name":"ada"}');
  });

  it('refuses paths that leave the root', async () => {
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'top secret');
    mkdirSync(join(root, 'inner'), { recursive: true });
    symlinkSync(outside, join(root, 'inner', 'link'));
    const r = runnerWith({ storage: { files: { driver: 'local', root } } });
    r.register({ tag: 'read', product: 'p', input: { path: { type: 'string', required: true } }, steps: [{ tag: 'get', type: 'storage', action: 'get', driver: 'files', path: '$Input{path}' }] });
    const cases: [string, string][] = [
      ['../outside.txt', '"../outside.txt" must not contain ".." segments'],
      ['a/../../x', '"a/../../x" must not contain ".." segments'],
      ['/etc/passwd', '"/etc/passwd" must be relative to the storage root'],
      ['inner/link/secret.txt', '"inner/link/secret.txt" leads outside the storage root through a symbolic link'],
      ['nothing-here.txt', 'file "nothing-here.txt" not found'],
    ];
    for (const [path, message] of cases) {
      const result = await run(r, 'read', { path });
      expect(result.error).toEqual({ step: 'get', message: message.startsWith('file') ? message : `path: ${message}` });
    }
  });
});

const redisUrl = await serviceUrl('redis');
const amqpUrl = await serviceUrl('amqp');
const natsUrl = await serviceUrl('nats');

describe.skipIf(!redisUrl)('publish steps: Redis', () => {
  it('adds to a stream and publishes to a channel', async () => {
    const { createClient } = await import('redis');
    const client = createClient({ url: redisUrl });
    await client.connect();
    const sub = client.duplicate();
    await sub.connect();
    const stream = uniqueNamespace('sy_wf_stream');
    const received: string[] = [];
    await sub.subscribe(`${stream}:ch`, (m) => received.push(m));
    const r = runnerWith({ brokers: { stream: { driver: 'redis', url: redisUrl! }, pubsub: { driver: 'redis', url: redisUrl!, mode: 'pubsub' } } });
    r.register({
      tag: 'pub',
      product: 'p',
      input: { id: { type: 'string', required: true } },
      steps: [
        { tag: 'to_stream', type: 'publish', broker: 'stream', topic: stream, message: { id: '$Input{id}' }, headers: { source: 'wf' } },
        { tag: 'to_channel', type: 'publish', broker: 'pubsub', topic: `${stream}:ch`, message: 'hello $Input{id}' },
      ],
      output: { id: '$Sequence{to_stream}{id}', receivers: '$Sequence{to_channel}{receivers}' },
    });
    try {
      const result = await run(r, 'pub', { id: 'o-9' });
      expect(result.status).toBe('completed');
      const out = result.output as { id: string; receivers: number };
      expect(out.receivers).toBe(1);
      const entries = await client.xRange(stream, '-', '+');
      expect(entries).toEqual([{ id: out.id, message: { source: 'wf', payload: '{"id":"o-9"}' } }]);
      // PUBLISH reported one receiver; wait for the subscriber to see the message, not for a guess of time.
      await waitFor(() => received.length > 0, { description: 'the subscriber receiving the message' });
      expect(received).toEqual(['hello o-9']);
    } finally {
      await client.del(stream);
      await sub.close();
      await client.close();
      await r.close();
    }
  });
});

describe.skipIf(!amqpUrl)('publish steps: RabbitMQ', () => {
  it('publishes to a queue with publisher confirms', async () => {
    const amqp = await import('amqplib');
    const conn = await amqp.connect(amqpUrl!);
    const ch = await conn.createChannel();
    const queue = uniqueNamespace('sy_wf_q');
    await ch.assertQueue(queue, { exclusive: false, autoDelete: false });
    const r = runnerWith({ brokers: { mq: { driver: 'amqp', url: amqpUrl! } } });
    r.register({ tag: 'mq', product: 'p', steps: [{ tag: 'send', type: 'publish', broker: 'mq', topic: queue, message: { hello: 'rabbit' }, headers: { 'x-source': 'wf' } }] });
    try {
      const result = await run(r, 'mq');
      expect(result.status).toBe('completed');
      const msg = await ch.get(queue, { noAck: true });
      expect(msg && msg.content.toString()).toBe('{"hello":"rabbit"}');
      expect(msg && msg.properties.headers).toEqual({ 'x-source': 'wf' });
    } finally {
      await ch.deleteQueue(queue);
      await conn.close();
      await r.close();
    }
  });
});

describe.skipIf(!natsUrl)('publish steps: NATS', () => {
  it('publishes to a subject', async () => {
    const nats = await import('nats');
    const nc = await nats.connect({ servers: natsUrl! });
    const subject = uniqueNamespace('sy.wf');
    const sub = nc.subscribe(subject, { max: 1 });
    const got = (async () => {
      for await (const m of sub) return { data: new TextDecoder().decode(m.data), header: m.headers?.get('x-source') };
      return undefined;
    })();
    const r = runnerWith({ brokers: { bus: { driver: 'nats', servers: natsUrl! } } });
    r.register({ tag: 'bus', product: 'p', steps: [{ tag: 'send', type: 'publish', broker: 'bus', topic: subject, message: [1, 2, 3], headers: { 'x-source': 'wf' } }] });
    try {
      const result = await run(r, 'bus');
      expect(result.status).toBe('completed');
      expect(await got).toEqual({ data: '[1,2,3]', header: 'wf' });
    } finally {
      await nc.close();
      await r.close();
    }
  });
});

describe('publish steps: a broker that cannot be reached', () => {
  // Needs no NATS server: nothing listens on port 1.
  it('fails the step, and retries reconnect', async () => {
    const r = runnerWith({ brokers: { bus: { driver: 'nats', servers: 'nats://127.0.0.1:1' } } });
    r.register({ tag: 'bus', product: 'p', steps: [{ tag: 'send', type: 'publish', broker: 'bus', topic: 'x', message: 1, retries: { attempts: 1, delay: 1 } }] });
    const result = await run(r, 'bus');
    expect(result.status).toBe('failed');
    expect(result.steps[0]!.attempts).toBe(2);
    expect(result.error!.message).toMatch(/CONNECTION_REFUSED|ECONNREFUSED/);
    await r.close();
  });
});
