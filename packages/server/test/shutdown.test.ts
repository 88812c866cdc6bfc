// SIGTERM on a real server process: event streams are ended first (with a `retry:` hint), requests
// in flight finish within the grace period, then the process exits. The fixture's grace period is
// 30 s, so a shutdown that waited for it would blow the generous 10 s bounds below.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(HERE, 'fixtures', 'sigterm-server.ts');

interface Child {
  process: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  stderr: () => string;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no event within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

async function startChild(): Promise<Child> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-sigterm-'));
  dirs.push(dir);
  const config = path.join(dir, 'switchyard.yaml');
  writeFileSync(config, `store: sqlite:${path.join(dir, 'test.db')}\nlogLevel: info\nstreamsPerClient: 100\n`);
  const child = spawn(process.execPath, ['--conditions=@switchyard/source', '--import', 'tsx', FIXTURE, config], { cwd: path.resolve(HERE, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await within(
    new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${stderr}`)));
    }),
    30_000,
    'server start',
  );
  return { process: child, url, exited, stderr: () => stderr };
}

/** Opens an event stream; resolves once its first chunk (the `retry:` line) arrived. */
function openStream(url: string): Promise<{ res: IncomingMessage; text: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(`${url}/v1/stream`, (res) => {
      let text = '';
      res.setEncoding('utf8');
      const ended = new Promise<void>((done) => res.once('close', () => done()));
      res.once('data', (chunk: string) => {
        text += chunk;
        res.on('data', (c: string) => (text += c));
        resolve({ res, text: () => text, ended });
      });
    });
    req.on('error', reject);
  });
}

describe('SIGTERM', () => {
  it('with 50 open event streams an idle server ends every stream with a retry hint and exits promptly', async () => {
    const child = await startChild();
    const streams = await Promise.all(Array.from({ length: 50 }, () => openStream(child.url)));
    for (const s of streams) expect(s.text()).toMatch(/^retry: \d+\n\n/);
    const signalled = performance.now();
    child.process.kill('SIGTERM');
    expect(await within(child.exited, 10_000, 'process exit')).toBe(0);
    console.log(`[shutdown] 50 open event streams, idle: exited ${Math.round(performance.now() - signalled)} ms after SIGTERM (grace period 30 s)`);
    await within(Promise.all(streams.map((s) => s.ended)), 10_000, 'streams end');
    for (const s of streams) expect(s.text()).toContain('retry: 1000\nevent: shutdown\n');
    expect(child.stderr()).toContain('shutting down');
  }, 60_000);

  it('a request in flight finishes within the grace period after the streams were closed, then the process exits', async () => {
    const child = await startChild();
    const streams = await Promise.all(Array.from({ length: 5 }, () => openStream(child.url)));
    const port = Number(new URL(child.url).port);
    // A write whose body is only half sent when the signal arrives.
    const body = JSON.stringify({ type: 'boolean', fallbackValue: false, description: 'written during shutdown' });
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (c: string) => (received += c));
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // `Expect: 100-continue` makes the server confirm it has the request before the signal is sent.
    socket.write(`PUT /api/v1/flags/in-flight HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`);
    await within(
      new Promise<void>((resolve) => {
        const check = () => (received.includes('100 Continue') ? resolve() : socket.once('data', check));
        check();
      }),
      10_000,
      '100 Continue',
    );
    socket.write(body.slice(0, 10));
    child.process.kill('SIGTERM');
    await within(Promise.all(streams.map((s) => s.ended)), 10_000, 'streams end');
    let exitedEarly = false;
    void child.exited.then(() => (exitedEarly = !received.includes('HTTP/1.1 200')));
    socket.end(body.slice(10));
    await within(socketClosed, 10_000, 'the in-flight request to be answered');
    expect(received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(received).toContain('written during shutdown');
    expect(await within(child.exited, 10_000, 'process exit')).toBe(0);
    expect(exitedEarly).toBe(false);
  }, 60_000);
});
