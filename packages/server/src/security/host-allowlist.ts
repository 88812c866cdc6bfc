import type { RequestHandler } from 'express';
import { sendError } from '../http/error-handler';
import { HttpError } from '../http/http-error';

/** Host names a server without credentials answers to, on any port. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of a `Host` header, lower-cased, without the port (`[::1]:3000` → `[::1]`). */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  // A bare IPv6 address has several colons and no port.
  if (colon !== -1 && h.indexOf(':', colon + 1) !== -1) return `[${h}]`;
  return colon === -1 ? h : h.slice(0, colon);
}

/**
 * Refuses requests whose `Host` is not one this server answers to, with 421 and a JSON error.
 * Against DNS rebinding: a page on `evil.example` whose name is re-pointed at 127.0.0.1 reaches
 * a local server with `Host: evil.example`, and the browser treats the answers as same-origin to
 * the attacker. Active when no credentials are configured (loopback names plus `allowed`) or when
 * `allowed` is not empty (then only those names, plus loopback when there are no credentials).
 * Requests without a `Host` (HTTP/1.0 tools) are not from a browser and are served.
 */
export function hostAllowList(options: { authEnabled: boolean; allowed: readonly string[] }): RequestHandler | undefined {
  if (options.authEnabled && options.allowed.length === 0) return undefined;
  const allowed = new Set([...(options.authEnabled ? [] : LOOPBACK_HOSTS), ...options.allowed.map((h) => hostName(h))]);
  const shown = [...allowed].join(', ');
  return (req, res, next) => {
    const host = req.headers.host;
    if (host === undefined || allowed.has(hostName(host))) return next();
    sendError(
      req,
      res,
      new HttpError('MISDIRECTED_REQUEST', `this server does not answer to host "${hostName(host).slice(0, 100)}"; it answers to ${shown} (add names with SWITCHYARD_ALLOWED_HOSTS)`),
    );
  };
}
