import type { RequestHandler, Response } from 'express';
import { HttpError } from '../http/http-error';
import type { AuthFailureLimiter } from '../security/auth-failure-limiter';
import type { Authenticator } from './authenticator';
import { hasRole, type Principal, type Role } from './roles';

/** The principal of the current request (set by `requireRole`). */
export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/**
 * Rejects requests without credentials (401), with refused credentials (401, or 429 once the client
 * address refused too often, see `AuthFailureLimiter`) or with too low a role (403).
 */
export function requireRole(auth: Authenticator, role: Role, limiter?: AuthFailureLimiter): RequestHandler {
  if (!auth.enabled) {
    const anonymous: Principal = { id: 'anonymous', role: 'admin', via: 'none' };
    return (_req, res, next) => {
      res.locals.principal = anonymous;
      next();
    };
  }
  return async (req, res, next) => {
    let principal = principalOf(res);
    if (!principal) {
      const result = await auth.authenticate(req.headers);
      if (result.kind === 'invalid' && limiter) {
        const retryAfter = await limiter.fail(req.ip ?? req.socket.remoteAddress ?? 'unknown');
        if (retryAfter !== undefined) {
          throw new HttpError('TOO_MANY_REQUESTS', `too many refused credentials from this address; retry in ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) });
        }
      }
      if (result.kind !== 'ok') {
        const message = result.kind === 'missing' ? 'credentials are required' : 'the credentials were not accepted';
        throw new HttpError('UNAUTHORIZED', message, undefined, { 'WWW-Authenticate': auth.challenge() });
      }
      principal = result.principal;
      res.locals.principal = principal;
    }
    if (!hasRole(principal.role, role)) throw new HttpError('FORBIDDEN', `this operation needs the ${role} role; the credentials have ${principal.role}`);
    next();
  };
}
