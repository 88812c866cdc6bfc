import type { RunningServer } from '@switchyard/server';

/** `PUT /api/v1/flags/:key` of a number flag: status, JSON body and how long the answer took. */
export async function putFlag(server: RunningServer, key: string, fallbackValue: number): Promise<{ status: number; body: unknown; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${server.url}/api/v1/flags/${key}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'number', fallbackValue }) });
  return { status: res.status, body: await res.json(), ms: Date.now() - started };
}
