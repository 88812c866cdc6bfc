import { StepFailure } from '../errors';
import { toText } from '../mapping/evaluate';
import type { Resolved, StepContext } from './context';
import { checkSecretOrigins } from './secret-binding';

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** How much of an upstream's error body a failed step repeats. */
export const ERROR_EXCERPT_CHARS = 120;

/**
 * Sends one HTTP request through the run's origin guard. Non-2xx responses fail unless listed in
 * `acceptStatus`; their body is quoted only as a short excerpt with credentials masked.
 */
export async function sendHttp(
  request: { method: string; url: string; query?: unknown; headers?: unknown; body?: unknown; acceptStatus?: readonly number[] },
  ctx: StepContext,
): Promise<HttpResult> {
  const url = new URL(request.url);
  if (request.query && typeof request.query === 'object') {
    for (const [k, v] of Object.entries(request.query)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, toText(item));
      else url.searchParams.append(k, toText(v));
    }
  }
  const headers: Record<string, string> = {};
  if (request.headers && typeof request.headers === 'object') {
    for (const [k, v] of Object.entries(request.headers)) {
      if (v === undefined || v === null) continue;
      const text = toText(v);
      // A line break would start another header (or the body): refuse rather than send it.
      if (/[\r\n\0]/.test(text)) throw new StepFailure(`header "${k}" holds a line break or NUL`, { code: 'INVALID_HEADER' });
      headers[k.toLowerCase()] = text;
    }
  }
  let body: string | undefined;
  if (request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD') {
    if (typeof request.body === 'string') {
      body = request.body;
      headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else {
      body = JSON.stringify(request.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  checkSecretOrigins(ctx.network.secrets, url.origin, [url.href, ...Object.values(headers), body ?? '']);
  const res = await ctx.network.guard.fetch(url, {
    method: request.method,
    headers,
    ...(body !== undefined ? { body } : {}),
    signal: ctx.signal,
    ...(ctx.network.allowOrigins ? { allowOrigins: ctx.network.allowOrigins } : {}),
  });
  const text = res.text();
  const type = res.headers['content-type'] ?? '';
  let parsed: unknown = text;
  if (text && /[/+]json\b/i.test(type)) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  const ok = res.status >= 200 && res.status < 300;
  if (!ok && !(request.acceptStatus ?? []).includes(res.status)) {
    const shown = new URL(res.url);
    const quote = excerpt(typeof parsed === 'string' ? parsed : JSON.stringify(parsed));
    throw new StepFailure(`${request.method} ${shown.origin}${shown.pathname} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${quote ? `: ${quote}` : ''}`, { code: 'HTTP_STATUS' });
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/**
 * A short, single-line excerpt of an upstream's error body: control characters collapsed, bearer
 * and basic credentials and JWT-shaped tokens masked, at most `ERROR_EXCERPT_CHARS` characters.
 * (The run also redacts every secret of its environment.)
 */
export function excerpt(text: string): string {
  const line = text
    // eslint-disable-next-line no-control-regex -- control characters are what is being removed
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]')
    .replace(/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[REDACTED]')
    .trim();
  return line.length > ERROR_EXCERPT_CHARS ? `${line.slice(0, ERROR_EXCERPT_CHARS)}…` : line;
}

/** The request URL of an `http` step or webhook: its compiled `url` under its `base`, if any. */
export function stepUrl(ctx: StepContext, baseName: string | undefined): string {
  let base: string | undefined;
  if (baseName !== undefined) {
    base = ctx.settings.baseUrls?.[baseName];
    if (base === undefined) throw new StepFailure(`environment "${ctx.env}" defines no base URL "${baseName}"`);
  }
  return ctx.step.url!.resolve(ctx.scope, base);
}

export function runHttpStep(fields: Resolved, ctx: StepContext): Promise<HttpResult> {
  const def = ctx.step.definition;
  if (def.type !== 'http') throw new Error('not an http step');
  const url = stepUrl(ctx, def.base);
  return sendHttp({ method: def.method ?? 'GET', url, query: fields.query, headers: fields.headers, body: fields.body, acceptStatus: def.accept_status ?? [] }, ctx);
}
