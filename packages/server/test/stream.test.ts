import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './helpers';

let s: TestServer;
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  s = await testServer();
  server = createServer(s.runtime.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  s.runtime.app.locals.switchyard.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await s.close();
});

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads SSE events from a fetch response until `count` events arrived. */
async function readEvents(res: Response, count: number): Promise<SseEvent[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const e: SseEvent = {};
      for (const line of block.split('\n')) {
        const i = line.indexOf(': ');
        if (i <= 0) continue;
        const field = line.slice(0, i) as keyof SseEvent;
        if (field === 'id' || field === 'event' || field === 'data') e[field] = line.slice(i + 2);
      }
      if (e.event) events.push(e);
    }
  }
  await reader.cancel();
  return events;
}

describe('GET /v1/stream', () => {
  it('streams changes of writes and replays missed events after Last-Event-ID', async () => {
    const controller = new AbortController();
    const res = await fetch(`${baseUrl}/v1/stream`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const received = readEvents(res, 2);
    await fetch(`${baseUrl}/v1/flags/streamed_a`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    await fetch(`${baseUrl}/v1/flags/streamed_b`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const [first, second] = await received;
    expect(first).toMatchObject({ event: 'change' });
    expect(JSON.parse(first!.data!).keys).toEqual(['streamed_a']);
    expect(JSON.parse(second!.data!).keys).toEqual(['streamed_b']);
    controller.abort();

    const replay = await fetch(`${baseUrl}/v1/stream`, { headers: { 'Last-Event-ID': first!.id! } });
    const [missed] = await readEvents(replay, 1);
    expect(missed).toEqual(second);

    const unknown = await fetch(`${baseUrl}/v1/stream`, { headers: { 'Last-Event-ID': 'other-process-5' } });
    const [reset] = await readEvents(unknown, 1);
    expect(reset!.event).toBe('reset');
  });
});
