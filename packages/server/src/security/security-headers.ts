import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** A header list applied as is to every response it is meant for. */
export type HeaderList = readonly (readonly [name: string, value: string])[];

/**
 * The headers every API (JSON) response carries: the set OWASP's REST Security Cheat Sheet
 * recommends for APIs. The HTML-only headers (a full Content-Security-Policy, Referrer-Policy,
 * cross-origin isolation…) protect documents, not JSON, so they go on pages only (see
 * `pageSecurityHeaders`) and flag evaluations stay small on the wire.
 */
export const API_SECURITY_HEADERS: HeaderList = [
  ['Cache-Control', 'no-store'],
  ['Content-Security-Policy', "frame-ancestors 'none'"],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
];

/** Sets `headers` on a response; used by the per-request middleware. */
export function setHeaders(res: ServerResponse, headers: HeaderList): void {
  for (let i = 0; i < headers.length; i++) res.setHeader(headers[i]![0], headers[i]![1]);
}

let pageHeaders: HeaderList | undefined;

/** helmet's defaults, computed once by running helmet against a recording response. */
function helmetDefaults(): HeaderList {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
      return recorder;
    },
    removeHeader() {},
    getHeader() {
      return undefined;
    },
  };
  helmet()({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * helmet's default security headers for HTML pages (`/docs`, the console at `/ui`). They replace
 * the API set's framing and CSP values; helmet runs once at startup, each request copies the result.
 */
export function pageSecurityHeaders(): RequestHandler {
  const headers = (pageHeaders ??= helmetDefaults());
  return (_req, res, next) => {
    res.removeHeader('Cache-Control');
    setHeaders(res, headers);
    next();
  };
}
