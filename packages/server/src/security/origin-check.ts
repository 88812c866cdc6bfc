import type { RequestHandler } from 'express';
import { sendError } from '../http/error-handler';
import { HttpError } from '../http/http-error';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses (403) a state-changing request sent by a browser page of another origin: its `Origin`
 * is neither this server's own (same host and port as `Host`) nor one of `allowed` (the CORS
 * origins). Browsers always send `Origin` on cross-origin POST, PUT and DELETE, including the
 * "simple" requests they send without a preflight, so this closes CSRF even on a server without
 * credentials. Requests without `Origin` (curl, SDKs, server-to-server) are not affected. `*`
 * among the allowed origins admits any origin only when credentials are configured: a page cannot
 * attach an API key it does not know.
 */
export function originCheck(options: { allowed: readonly string[]; authEnabled: boolean }): RequestHandler {
  const anyOrigin = options.allowed.includes('*') && options.authEnabled;
  const allowed = new Set(options.allowed.filter((o) => o !== '*').map((o) => o.toLowerCase()));
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.headers.origin;
    if (origin === undefined || anyOrigin) return next();
    const given = origin.trim().toLowerCase();
    if (allowed.has(given) || isSameOrigin(given, req.headers.host)) return next();
    sendError(req, res, new HttpError('FORBIDDEN', `cross-origin request from ${JSON.stringify(origin.slice(0, 200))} refused: allow the origin with --cors-origin (SWITCHYARD_CORS_ORIGINS)`));
  };
}

/** True when `origin` names the host (and port) the request was sent to. */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  // `URL.host` leaves out a default port; so does a browser's `Host` header.
  return url.host === host.trim().toLowerCase();
}
