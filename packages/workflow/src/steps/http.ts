import { StepFailure } from '../errors';
import { toText } from '../mapping/evaluate';
import type { Resolved, StepContext } from './context';

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Sends one HTTP request. Non-2xx responses fail unless listed in `acceptStatus`. */
export async function sendHttp(
  request: { method: string; url: string; query?: unknown; headers?: unknown; body?: unknown; acceptStatus?: readonly number[] },
  signal: AbortSignal,
): Promise<HttpResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new StepFailure(`invalid URL ${JSON.stringify(request.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StepFailure(`unsupported URL scheme "${url.protocol}"; use http or https`);
  if (request.query && typeof request.query === 'object') {
    for (const [k, v] of Object.entries(request.query)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, toText(item));
      else url.searchParams.append(k, toText(v));
    }
  }
  const headers = new Headers();
  if (request.headers && typeof request.headers === 'object') {
    for (const [k, v] of Object.entries(request.headers)) if (v !== undefined && v !== null) headers.set(k, toText(v));
  }
  let body: string | undefined;
  if (request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD') {
    if (typeof request.body === 'string') {
      body = request.body;
      if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
    } else {
      body = JSON.stringify(request.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }
  let res: Response;
  try {
    res = await fetch(url, { method: request.method, headers, body, signal, redirect: 'follow' });
  } catch (err) {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new StepFailure(`${request.method} ${url.origin}${url.pathname} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { cause: err });
  }
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  let parsed: unknown = text;
  if (text && /[/+]json\b/i.test(type)) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  const out: HttpResult = { status: res.status, headers: Object.fromEntries(res.headers), body: parsed };
  if (!res.ok && !(request.acceptStatus ?? []).includes(res.status)) {
    const snippet = typeof parsed === 'string' ? parsed.slice(0, 200) : JSON.stringify(parsed).slice(0, 200);
    throw new StepFailure(`${request.method} ${url.origin}${url.pathname} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${snippet ? `: ${snippet}` : ''}`);
  }
  return out;
}

export function runHttpStep(fields: Resolved, ctx: StepContext): Promise<HttpResult> {
  const def = ctx.step.definition;
  if (def.type !== 'http') throw new Error('not an http step');
  let url = toText(fields.url);
  if (def.base !== undefined) {
    const base = ctx.settings.baseUrls?.[def.base];
    if (base === undefined) throw new StepFailure(`environment "${ctx.env}" defines no base URL "${def.base}"`);
    url = /^https?:\/\//i.test(url) ? url : `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
  }
  return sendHttp({ method: def.method ?? 'GET', url, query: fields.query, headers: fields.headers, body: fields.body, acceptStatus: def.accept_status ?? [] }, ctx.signal);
}
