import { Router, type Response } from 'express';
import { clientAddress } from '../auth/require-role';
import type { ChangeEvent } from '../live/change-feed';
import { StreamSlots } from '../security/stream-limits';
import type { ServerContext } from '../server-context';

const HEARTBEAT_MS = 15_000;
/** How long clients wait before reconnecting, normally and after a shutdown (another instance or the restarted one takes them). */
const RETRY_MS = 2000;
const SHUTDOWN_RETRY_MS = 1000;

/** Open SSE responses, so shutdown can end them, and the caps they count against. */
export class StreamConnections {
  private readonly open = new Set<Response>();
  constructor(readonly slots: StreamSlots = new StreamSlots()) {}
  add(res: Response): void {
    this.open.add(res);
  }
  delete(res: Response): void {
    this.open.delete(res);
  }
  /**
   * Ends every stream with a `retry:` hint and closes its connection: a stream never finishes on
   * its own, and a kept-alive socket left behind would hold a shutting-down server open.
   */
  closeAll(): void {
    for (const res of this.open) {
      res.end(`retry: ${SHUTDOWN_RETRY_MS}\nevent: shutdown\ndata: {"reason":"the server is shutting down; reconnect"}\n\n`, () => res.socket?.destroySoon());
    }
    this.open.clear();
  }
  get size(): number {
    return this.open.size;
  }
}

function write(res: Response, event: ChangeEvent): void {
  res.write(`id: ${event.id}\nevent: change\ndata: ${JSON.stringify({ keys: event.keys, at: event.at })}\n\n`);
}

/**
 * `GET /v1/stream`: Server-Sent Events of flag changes (`event: change`, `data: {keys, at}`), from
 * this instance and, through the store, from every other one. With `Last-Event-ID` the missed events
 * are replayed; when they are no longer known a `reset` event tells the client to reload everything.
 */
export function streamRoutes(ctx: ServerContext, connections: StreamConnections): Router {
  const router = Router();
  ctx.operations.route(
    router,
    ctx.auth,
    {
      operationId: 'stream',
      method: 'get',
      path: '/v1/stream',
      summary: 'Server-Sent Events of flag changes',
      description: '`event: change` with `data: {"keys": [...], "at": "…"}`; `event: reset` when replay after `Last-Event-ID` is impossible.',
      tag: 'Live updates',
      role: 'read',
      headers: [{ name: 'Last-Event-ID', description: 'Id of the last event received; missed events are replayed' }],
      responses: { 200: { description: 'An event stream', contentType: 'text/event-stream' } },
    },
    (req, res) => {
      // Counted before the stream opens: past a cap the client gets 429 (its own) or 503 (the server's).
      const release = connections.slots.acquire(clientAddress(req));
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write(`retry: ${RETRY_MS}\n\n`);
      const last = req.headers['last-event-id'];
      if (typeof last === 'string' && last !== '') {
        const missed = ctx.feed.since(last);
        if (missed) for (const e of missed) write(res, e);
        else res.write(`event: reset\ndata: ${JSON.stringify({ reason: 'the events after this id are no longer available; reload all flags' })}\n\n`);
      }
      const unsubscribe = ctx.feed.subscribe((e) => write(res, e));
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      connections.add(res);
      res.on('close', () => {
        release();
        clearInterval(heartbeat);
        unsubscribe();
        connections.delete(res);
      });
    },
  );
  return router;
}
