import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@switchyard/store-test-suite';
import { createLogger, createServerRuntime, parseServerConfig, pivotalTrackerSource, type ServerRuntime } from '../src/index';

/**
 * A stand-in for Pivotal Tracker's v5 API on loopback: `GET /services/v5/projects/:p/stories/:s`
 * answers `{id, current_state}` for a story it knows and the `X-TrackerToken` it expects.
 */
class FakeTracker {
  readonly stories = new Map<string, string>();
  readonly requests: { url: string; token: string | undefined }[] = [];
  token = 'tracker-token';
  /** Status to answer every request with instead (an outage). */
  failWith: number | undefined;
  /** Never answer (a hung tracker). */
  hang = false;
  private server: Server | undefined;
  private readonly hung: ServerResponse[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/services/v5`;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const token = req.headers['x-trackertoken'] as string | undefined;
    this.requests.push({ url: req.url ?? '', token });
    if (this.hang) return void this.hung.push(res);
    const send = (status: number, body: unknown): void => void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (this.failWith) return send(this.failWith, { code: 'unavailable', kind: 'error' });
    if (token !== this.token) return send(403, { code: 'invalid_authentication', kind: 'error', error: 'Invalid authentication credentials were presented.' });
    const match = /^\/services\/v5\/projects\/(\d+)\/stories\/(\d+)$/.exec(req.url ?? '');
    const state = match && this.stories.get(`${match[1]}/${match[2]}`);
    if (!match || !state) return send(404, { code: 'unfound_resource', kind: 'error', error: 'The object you tried to access could not be found.' });
    send(200, { kind: 'story', id: Number(match[2]), project_id: Number(match[1]), current_state: state, name: 'A story' });
  }
}

const tracker = new FakeTracker();
let trackerUrl: string;
beforeAll(async () => {
  trackerUrl = await tracker.start();
});
afterAll(() => tracker.stop());
afterEach(() => {
  tracker.failWith = undefined;
  tracker.hang = false;
});

describe('Pivotal Tracker acceptance source (against a loopback tracker)', () => {
  it('reads each story\'s current_state with the token; unknown stories and items without ids have none', async () => {
    tracker.stories.set('1234567/11', 'delivered');
    tracker.stories.set('1234567/12', 'started');
    const source = pivotalTrackerSource({ token: 'tracker-token', url: trackerUrl, project: 1234567 });
    const states = await source.states([{ projectId: 1234567, storyId: 11 }, { storyId: '12' }, { projectId: 1234567, storyId: 99 }, { note: 'no ids' }]);
    expect(states).toEqual(['delivered', 'started', undefined, undefined]);
    expect(tracker.requests.slice(-3).every((r) => r.token === 'tracker-token')).toBe(true);
  });

  it('fails the whole answer on a refused token, a server error or a timeout', async () => {
    tracker.stories.set('1/1', 'delivered');
    await expect(pivotalTrackerSource({ token: 'wrong', url: trackerUrl }).states([{ projectId: 1, storyId: 1 }])).rejects.toThrow(/refused the API token \(HTTP 403/);
    tracker.failWith = 503;
    await expect(pivotalTrackerSource({ token: 'tracker-token', url: trackerUrl }).states([{ projectId: 1, storyId: 1 }])).rejects.toThrow(/failed \(HTTP 503/);
    tracker.failWith = undefined;
    tracker.hang = true;
    await expect(pivotalTrackerSource({ token: 'tracker-token', url: trackerUrl, timeoutMs: 100 }).states([{ projectId: 1, storyId: 1 }])).rejects.toThrow(/no answer within 100 ms/);
  });

  it('takes its cache TTL from the configuration', () => {
    expect(pivotalTrackerSource({ token: 't', cacheTtlMs: 1234 }).ttlMs).toBe(1234);
    expect(pivotalTrackerSource({ token: 't' }).ttlMs).toBeUndefined();
  });
});

describe('acceptance flags on the server', () => {
  let dir: string;
  let runtime: ServerRuntime | undefined;
  let log: string[];

  const manifest = `release_notes:
  production:
    type: acceptance
    source: pivotal
    state: delivered
    values:
      - projectId: 777
        storyId: 1
      - storyId: 2
ticket_gate:
  production:
    type: acceptance
    source: jira
    state: done
    values:
      - issue: SW-1
`;

  async function start(env: Record<string, string>, config?: unknown) {
    dir = mkdtempSync(path.join(tmpdir(), 'sy-acceptance-'));
    writeFileSync(path.join(dir, 'release.yaml'), manifest);
    const argv = ['--store', 'memory:', '--manifests', dir, '--no-watch', '--env', 'production'];
    if (config) {
      writeFileSync(path.join(dir, '..', `${path.basename(dir)}.json`), JSON.stringify(config));
      argv.push('--config', path.join(dir, '..', `${path.basename(dir)}.json`));
    }
    const parsed = parseServerConfig(argv, env);
    if (parsed.errors) throw new Error(parsed.errors.join('; '));
    log = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (log.push(String(chunk)), done()) });
    runtime = await createServerRuntime(parsed.config, { logger: createLogger('info', sink), defaultMetrics: false });
    return supertest(runtime.app);
  }

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.json`, { force: true });
  });

  it('is accepted once every story is delivered, through a source configured in the config file', async () => {
    tracker.stories.set('777/1', 'delivered');
    tracker.stories.set('777/2', 'finished');
    const http = await start({}, { acceptance: { pivotal: { type: 'pivotal-tracker', token: 'tracker-token', url: trackerUrl, project: 777, cacheTtlMs: 50, timeoutMs: 2000 } } });
    expect(log.join('')).toContain(`acceptance source \\"pivotal\\": Pivotal Tracker at ${trackerUrl}, project 777, answers cached 0.05 s, timeout 2 s`);
    expect(log.join('')).not.toContain('tracker-token');
    const evaluate = async () => (await http.post('/ofrep/v1/evaluate/flags/release_notes').set('Content-Type', 'application/json').send('{}')).body;
    // Wait for an answer from the tracker (story 2 is only finished).
    await runtime!.engine.refreshAcceptance();
    expect(await evaluate()).toMatchObject({ value: false, reason: 'DEFAULT', metadata: { acceptance: 'pivotal' } });
    tracker.stories.set('777/2', 'delivered');
    await waitFor(async () => (await evaluate()).value === true, { description: 'acceptance after delivery' });
    expect(await evaluate()).toMatchObject({ value: true, reason: 'TARGETING_MATCH', metadata: { acceptance: 'pivotal' } });
    // The source named by no configuration: its flag says so.
    const jira = await http.post('/ofrep/v1/evaluate/flags/ticket_gate').set('Content-Type', 'application/json').send('{}');
    expect(jira.body).toMatchObject({ value: false, reason: 'DISABLED_INTEGRATION', metadata: { acceptance: 'jira', acceptanceDetail: expect.stringMatching(/not configured/) } });
    expect(log.join('')).toContain('release.yaml:13:5 ticket_gate.production.source: acceptance source \\"jira\\" is not configured');
  });

  it('keeps the last answer and logs when the tracker fails, and SWITCHYARD_PIVOTAL_TOKEN configures the source', async () => {
    tracker.stories.set('777/1', 'delivered');
    tracker.stories.set('777/2', 'delivered');
    const http = await start({ SWITCHYARD_PIVOTAL_TOKEN: 'tracker-token', SWITCHYARD_PIVOTAL_URL: trackerUrl, SWITCHYARD_PIVOTAL_PROJECT: '777' });
    const evaluate = async () => (await http.post('/ofrep/v1/evaluate/flags/release_notes').set('Content-Type', 'application/json').send('{}')).body;
    await waitFor(async () => (await evaluate()).value === true, { description: 'accepted' });
    tracker.failWith = 500;
    await runtime!.engine.refreshAcceptance();
    expect(log.join('')).toMatch(/acceptance source \\"pivotal\\" did not answer, keeping its last answer: Pivotal Tracker failed \(HTTP 500/);
    expect(await evaluate()).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
  });

  it('without any source configured, acceptance flags evaluate with DISABLED_INTEGRATION and are warned about at startup', async () => {
    const http = await start({});
    const res = await http.post('/ofrep/v1/evaluate/flags/release_notes').set('Content-Type', 'application/json').send('{}');
    expect(res.body).toMatchObject({ value: false, reason: 'DISABLED_INTEGRATION' });
    expect(log.join('')).toContain('release.yaml:4:5 release_notes.production.source: acceptance source \\"pivotal\\" is not configured');
  });

  it('refuses a configuration without a token', () => {
    expect(parseServerConfig(['--config', writeConfig({ acceptance: { pivotal: { type: 'pivotal-tracker' } } })], {}).errors).toEqual([
      'acceptance source "pivotal" needs an API token: set SWITCHYARD_PIVOTAL_TOKEN or acceptance.pivotal.token in the config file',
    ]);
    expect(parseServerConfig(['--config', writeConfig({ acceptance: { pivotal: { type: 'pivotal-tracker', token: 't', projet: 1 } } })], {}).errors?.[0]).toMatch(
      /acceptance\.pivotal: unknown key "projet" \(did you mean "project"\?\)/,
    );
  });
});

function writeConfig(config: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sy-acceptance-config-')), 'switchyard.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}
