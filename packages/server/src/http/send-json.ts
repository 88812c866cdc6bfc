import type { ServerResponse } from 'node:http';

/**
 * Writes an already serialized JSON body. The evaluation routes use it with cached text, skipping
 * express's `res.json` (serialize, then `res.send`'s content negotiation and ETag checks), which
 * is most of the per-request cost that is not the network.
 */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
