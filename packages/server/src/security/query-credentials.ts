import type { RequestHandler } from 'express';
import { sendError } from '../http/error-handler';
import { HttpError } from '../http/http-error';

/**
 * Query parameter names that carry credentials in other products. A URL ends up in access logs,
 * proxy logs, browser history and `Referer` headers, so credentials are accepted in headers only.
 */
export const CREDENTIAL_QUERY_KEYS: ReadonlySet<string> = new Set([
  'api_key',
  'apikey',
  'api-key',
  'x-api-key',
  'access_token',
  'token',
  'authorization',
  'password',
  'secret',
  'jwt',
]);

/** The URL with the value of every credential-looking query parameter replaced by `[redacted]`: for log lines. */
export function redactQueryCredentials(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const parts = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq === -1) return pair;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      return `${pair.slice(0, eq)}=[redacted]`;
    }
    return isCredentialQueryKey(name) ? `${pair.slice(0, eq)}=[redacted]` : pair;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

/** True when a query parameter name is one of `CREDENTIAL_QUERY_KEYS` (any case). */
export function isCredentialQueryKey(name: string): boolean {
  return CREDENTIAL_QUERY_KEYS.has(name.toLowerCase());
}

/** The credential-looking parameter names in a raw URL's query, decoded. */
export function credentialQueryKeys(url: string): string[] {
  const q = url.indexOf('?');
  if (q === -1) return [];
  const found: string[] = [];
  for (const pair of url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    let name = eq === -1 ? pair : pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed escape is not a credential name; the route's own parsing reports it.
    }
    if (isCredentialQueryKey(name)) found.push(name);
  }
  return found;
}

/**
 * Refuses (400) a request carrying credentials in its query string, naming the header to use, so
 * a client that does so learns at once instead of leaking its key into every log on the way.
 */
export function queryCredentialGuard(): RequestHandler {
  return (req, res, next) => {
    if (req.url.indexOf('?') === -1) return next();
    const names = credentialQueryKeys(req.url);
    if (names.length === 0) return next();
    sendError(
      req,
      res,
      new HttpError('BAD_REQUEST', `credentials are not accepted in the URL (query parameter ${JSON.stringify(names[0]!.slice(0, 40))}): send the API key in the X-API-Key header or as Authorization: Bearer KEY`),
    );
  };
}
