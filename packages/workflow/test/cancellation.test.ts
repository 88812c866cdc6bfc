import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore } from '@switchyard/store-memory';
import { serviceUrl, uniqueNamespace, waitFor } from '@switchyard/store-test-suite';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalStorage, createSqliteDriver, createWorkflowRunner, type EnvironmentSettings, type RunResult, type StorageDriver, type WorkflowDefinition, type WorkflowRunner, type WorkflowRunnerOptions } from '../src/index';
import { type HangingServer, LOOPBACK, signalled, startHangingServer, startStallProxy } from './helpers';

let hanging: HangingServer;
const dirs: string[] = [];
beforeAll(async () => {
  hanging = await startHangingServer();
});
afterAll(async () => {
  await hanging.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runnerWith(env: EnvironmentSettings, extra: Partial<WorkflowRunnerOptions> = {}): WorkflowRunner {
  return createWorkflowRunner({ store: createMemoryStore(), environments: { dev: env }, network: { allowPrivate: [...LOOPBACK.allowPrivate] }, ...extra });
}
const start = (runner: WorkflowRunner, feature_tag: string, signal?: AbortSignal) => runner.run({ env: 'dev', product: 'p', feature_tag, input: {} }, signal ? { signal } : {});
/**
 * Runs `feature_tag`, waits for `reached` (the work the run must be in the middle of), then aborts
 * the caller's signal: resolves with the run's result and what `reached` resolved with.
 */
async function abortOnceReached<T>(runner: WorkflowRunner, feature_tag: string, reached: () => Promise<T>): Promise<[RunResult, T]> {
  const caller = new AbortController();
  const running = start(runner, feature_tag, caller.signal);
  const at = await reached();
  caller.abort();
  return [await running, at];
}
/** Runs a feature of `step` alone, aborts once `reached`, waits for `stopped` (what the abort must cause) and expects the run cancelled. */
async function expectCancelledMidStep(env: EnvironmentSettings, step: WorkflowDefinition['steps'][number], reached: Promise<unknown>, stopped: Promise<unknown>): Promise<void> {
  const runner = runnerWith(env);
  runner.register({ product: 'p', tag: 'one_step', steps: [step] });
  try {
    const [result] = await abortOnceReached(runner, 'one_step', () => reached);
    await stopped;
    expect(result.status).toBe('cancelled');
  } finally {
    await runner.close();
  }
}
const hangStep = (extra: Record<string, unknown> = {}) => ({ tag: 'hang', type: 'http' as const, base: 'slow', url: '/hang', ...extra });

describe('timeouts and deadlines', () => {
  it('default to 10 s per step attempt and 30 s per run', async () => {
    // Fake timers stand in for the clock; the request to the hanging server is real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const runner = runnerWith({ baseUrls: { slow: hanging.url } });
    runner.register([
      { product: 'p', tag: 'step_default', steps: [hangStep()] },
      { product: 'p', tag: 'deadline_default', steps: [hangStep({ timeout: '10m' })] },
    ]);
    try {
      const settle = async (feature: string, ms: number): Promise<RunResult> => {
        let done: RunResult | undefined;
        const running = start(runner, feature).then((r) => (done = r));
        const held = await hanging.nextRequest();
        await vi.advanceTimersByTimeAsync(ms - 1);
        expect(done, `${feature} settled before ${ms} ms`).toBeUndefined();
        await vi.advanceTimersByTimeAsync(1);
        await held.closed;
        return running;
      };
      const stepTimedOut = await settle('step_default', 10_000);
      expect(stepTimedOut.error).toEqual({ step: 'hang', code: 'TIMEOUT', message: 'timed out after 10000 ms' });
      const pastDeadline = await settle('deadline_default', 30_000);
      expect(pastDeadline.status).toBe('failed');
      expect(pastDeadline.error).toEqual({ step: 'hang', code: 'DEADLINE_EXCEEDED', message: 'the run exceeded its deadline of 30000 ms' });
      expect(pastDeadline.steps[0]).toMatchObject({ status: 'cancelled', code: 'DEADLINE_EXCEEDED' });
    } finally {
      vi.useRealTimers();
      await runner.close();
    }
  });

  it('take the step timeout from the step, else the workflow, else the runner', async () => {
    const runner = runnerWith({ baseUrls: { slow: hanging.url } }, { stepTimeoutMs: 300 });
    runner.register([
      { product: 'p', tag: 'runner_level', steps: [hangStep()] },
      { product: 'p', tag: 'workflow_level', step_timeout: '400ms', steps: [hangStep()] },
      { product: 'p', tag: 'step_level', step_timeout: '400ms', steps: [hangStep({ timeout: '500ms' })] },
    ]);
    try {
      for (const [feature, ms] of [['runner_level', 300], ['workflow_level', 400], ['step_level', 500]] as const) {
        const [result, held] = await Promise.all([start(runner, feature), hanging.nextRequest()]);
        expect(result.error, feature).toEqual({ step: 'hang', code: 'TIMEOUT', message: `timed out after ${ms} ms` });
        // The timeout reached the request: the server saw its client go away.
        await held.closed;
      }
    } finally {
      await runner.close();
    }
  });

  it('end the run at its deadline, from the workflow or the runner, cancelling what runs and skipping the rest', async () => {
    const runner = runnerWith({ baseUrls: { slow: hanging.url } }, { runDeadlineMs: 600 });
    const steps: WorkflowDefinition['steps'] = [hangStep({ timeout: '1m', parallel: 'g' }), hangStep({ tag: 'hang2', timeout: '1m', parallel: 'g' }), { tag: 'after', type: 'http', base: 'slow', url: '/never' }];
    runner.register([
      { product: 'p', tag: 'runner_deadline', steps },
      { product: 'p', tag: 'workflow_deadline', deadline: '700ms', steps },
    ]);
    try {
      for (const [feature, ms] of [['runner_deadline', 600], ['workflow_deadline', 700]] as const) {
        const [result, a, b] = await Promise.all([start(runner, feature), hanging.nextRequest(), hanging.nextRequest()]);
        expect(result.status).toBe('failed');
        expect(result.error).toEqual({ step: 'hang', code: 'DEADLINE_EXCEEDED', message: `the run exceeded its deadline of ${ms} ms` });
        expect(result.steps.map((s) => [s.tag, s.status, s.code ?? s.reason])).toEqual([
          ['hang', 'cancelled', 'DEADLINE_EXCEEDED'],
          ['hang2', 'cancelled', 'DEADLINE_EXCEEDED'],
          ['after', 'skipped', `not reached: the run exceeded its deadline of ${ms} ms`],
        ]);
        await Promise.all([a.closed, b.closed]);
      }
    } finally {
      await runner.close();
    }
  });
});

describe('a caller who goes away cancels the run', () => {
  it('over HTTP: the request is closed, and the run is recorded as cancelled', async () => {
    const runner = runnerWith({ baseUrls: { slow: hanging.url } });
    runner.register({ product: 'p', tag: 'wait', steps: [hangStep({ timeout: '1m' }), { tag: 'after', type: 'http', base: 'slow', url: '/never' }] });
    try {
      const [result, held] = await abortOnceReached(runner, 'wait', () => hanging.nextRequest());
      await held.closed;
      expect(result.status).toBe('cancelled');
      expect(result.error).toEqual({ step: 'hang', code: 'ABORTED', message: 'the caller cancelled the run' });
      expect(result.steps.map((s) => [s.tag, s.status])).toEqual([
        ['hang', 'cancelled'],
        ['after', 'skipped'],
      ]);
      expect((await runner.getRun(result.runId))?.status).toBe('cancelled');
      expect(runner.listRuns({ limit: 1 })[0]).toMatchObject({ runId: result.runId, status: 'cancelled' });
      // Already aborted: nothing runs.
      const early = await start(runner, 'wait', AbortSignal.abort(new Error('client disconnected')));
      expect(early).toMatchObject({ status: 'cancelled', error: { step: 'hang', code: 'ABORTED', message: 'client disconnected' } });
      expect(early.steps.every((s) => s.status === 'skipped')).toBe(true);
    } finally {
      await runner.close();
    }
  });

  it('through nested features', async () => {
    const runner = runnerWith({ baseUrls: { slow: hanging.url } });
    runner.register([
      { product: 'p', tag: 'inner', steps: [hangStep({ timeout: '1m' })] },
      { product: 'p', tag: 'outer', steps: [{ tag: 'nested', type: 'feature', feature: 'inner' }] },
    ]);
    try {
      const [result, held] = await abortOnceReached(runner, 'outer', () => hanging.nextRequest());
      await held.closed;
      expect(result).toMatchObject({ status: 'cancelled', error: { step: 'nested', code: 'ABORTED' } });
    } finally {
      await runner.close();
    }
  });

  it('in a storage driver: the signal reaches it', async () => {
    const [putCalled, reached] = signalled();
    const [aborted, sawAbort] = signalled();
    // An S3-style driver that waits on its signal, as a real upload would.
    const driver: StorageDriver = {
      put: (_path, _data, signal) => {
        reached();
        return new Promise<void>((_ok, fail) =>
          signal.addEventListener(
            'abort',
            () => {
              sawAbort();
              fail(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
            },
            { once: true },
          ),
        );
      },
      get: () => Promise.reject(new Error('unused')),
      delete: () => Promise.resolve(false),
    };
    await expectCancelledMidStep({ storage: { s3: driver } }, { tag: 'put', type: 'storage', action: 'put', driver: 's3', path: 'a/b.txt', content: 'x', timeout: '1m' }, putCalled, aborted);
  });

  it('in the local storage driver and SQLite: an aborted signal stops the write before it happens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-wf-cancel-'));
    dirs.push(dir);
    const storage = createLocalStorage(dir);
    await expect(storage.put('x.txt', new Uint8Array([1]), AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(existsSync(join(dir, 'x.txt'))).toBe(false);
    const db = await createSqliteDriver(join(dir, 'db.sqlite'));
    await db.query('CREATE TABLE t (v INTEGER)', [], new AbortController().signal);
    await expect(db.query('INSERT INTO t VALUES (1)', [], AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect((await db.query('SELECT count(*) AS n FROM t', [], new AbortController().signal)).rows).toEqual([{ n: 0 }]);
    await db.close();
  });

  it('over SMTP: the connection to the mail server is closed', async () => {
    const [inData, connected] = signalled();
    const [connectionClosed, closed] = signalled();
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // Takes the message and never answers it.
      onData(stream) {
        stream.resume();
        connected();
      },
      onClose() {
        closed();
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    const send = { tag: 'send', type: 'notify', channel: 'email', mailer: 'default', from: 'a@example.test', to: 'b@example.test', subject: 's', text: 't', timeout: '1m' } as const;
    try {
      await expectCancelledMidStep({ mailers: { default: { host: '127.0.0.1', port } } }, send, inData, connectionClosed);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});

const pgUrl = await serviceUrl('postgres');
describe.skipIf(!pgUrl)('a caller who goes away cancels a PostgreSQL statement on the server', () => {
  it('sends a cancel request: the statement stops running', async () => {
    const app = uniqueNamespace('sy_wf_cancel');
    const url = new URL(pgUrl!);
    url.searchParams.set('application_name', app);
    const pg = await import('pg');
    const observer = new pg.default.Client({ connectionString: pgUrl });
    await observer.connect();
    const active = async () => (await observer.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE 'SELECT pg_sleep%'", [app])).rows[0].n as number;
    const runner = runnerWith({ databases: { pg: { driver: 'postgres', url: url.href } } });
    runner.register({ product: 'p', tag: 'sleep', steps: [{ tag: 'q', type: 'database', connection: 'pg', sql: 'SELECT pg_sleep(60)', timeout: '2m' }] });
    try {
      const [result] = await abortOnceReached(runner, 'sleep', () => waitFor(async () => (await active()) === 1, { description: 'the statement running' }));
      expect(result.status).toBe('cancelled');
      await waitFor(async () => (await active()) === 0, { description: 'the statement cancelled on the server' });
    } finally {
      await runner.close();
      await observer.end();
    }
  }, 30_000);
});

const redisUrl = await serviceUrl('redis');
const amqpUrl = await serviceUrl('amqp');
const natsUrl = await serviceUrl('nats');
const brokers: [string, string | undefined, (proxyPort: number) => EnvironmentSettings['brokers']][] = [
  ['redis', redisUrl, (port) => ({ b: { driver: 'redis', url: swapPort(redisUrl!, port) } })],
  ['amqp', amqpUrl, (port) => ({ b: { driver: 'amqp', url: swapPort(amqpUrl!, port) } })],
  ['nats', natsUrl, (port) => ({ b: { driver: 'nats', servers: swapPort(natsUrl!, port) } })],
];

function swapPort(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.href.replace(/\/$/, '');
}

describe('a caller who goes away cancels a publish to a broker that stopped answering', () => {
  for (const [name, serviceUrlOf, settings] of brokers) {
    it.skipIf(!serviceUrlOf)(`${name}`, async () => {
      const target = new URL(serviceUrlOf!);
      const proxy = await startStallProxy({ host: target.hostname, port: Number(target.port) });
      const topic = uniqueNamespace('sy_wf_cancel');
      const runner = runnerWith({ brokers: settings(proxy.port) });
      runner.register({ product: 'p', tag: 'pub', steps: [{ tag: 'send', type: 'publish', broker: 'b', topic, message: { n: 1 }, timeout: '1m' }] });
      try {
        // Connect first, through the proxy, then make the broker go silent.
        expect((await start(runner, 'pub')).status).toBe('completed');
        proxy.stall();
        const [result] = await abortOnceReached(runner, 'pub', () => proxy.stalledData);
        expect(result.status).toBe('cancelled');
        expect(result.steps[0]).toMatchObject({ status: 'cancelled', code: 'ABORTED' });
      } finally {
        await proxy.close();
        await runner.close();
        await cleanUp(name, topic);
      }
    });
  }
});

/** Removes what a publish left behind (Redis streams; the AMQP default exchange and NATS keep nothing for an unknown topic). */
async function cleanUp(name: string, topic: string): Promise<void> {
  if (name === 'redis') {
    const { createClient } = await import('redis');
    const client = createClient({ url: redisUrl });
    await client.connect();
    await client.del(topic);
    await client.close();
  }
}
