import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../http/http-error';
import type { AuthFailureLimiter } from '../security/auth-failure-limiter';
import type { AuthResult, Authenticator } from './authenticator';
import { hasRole, type Principal, type Role } from './roles';

const ANONYMOUS: Principal = Object.freeze({ id: 'anonymous', role: 'admin', via: 'none' });

/**
 * The principal of the current request: the one `requireRole` accepted, or the anonymous admin when
 * no credentials are configured (routes then skip the role check entirely).
 */
export function principalOf(res: Response, auth: Authenticator): Principal | undefined {
  return (res.locals.principal as Principal | undefined) ?? (auth.enabled ? undefined : ANONYMOUS);
}


/** The client address the limiter and the stream caps count by. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * Rejects requests without credentials (401), with refused credentials (401) or with too low a
 * role (403). An address the limiter locked out gets 429 with `Retry-After` before its
 * credentials are even looked at (see `AuthFailureLimiter`).
 */
export function requireRole(auth: Authenticator, role: Role, limiter?: AuthFailureLimiter): RequestHandler {
  // Synchronous unless a JWT must be verified, so API keys cost no extra ticks.
  const settle = (req: Request, res: Response, next: NextFunction, result: AuthResult): void => {
    if (result.kind === 'ok') {
      res.locals.principal = result.principal;
      return allow(result.principal, next);
    }
    if (result.kind === 'invalid' && limiter) {
      const retryAfter = limiter.fail(clientAddress(req));
      if (retryAfter !== undefined) throw tooMany(retryAfter);
    }
    refuse(result);
  };
  const tooMany = (retryAfter: number) =>
    new HttpError('TOO_MANY_REQUESTS', `too many refused credentials from this address; retry in ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) });
  const refuse = (result: AuthResult): never => {
    const message = result.kind === 'missing' ? 'credentials are required' : 'the credentials were not accepted';
    throw new HttpError('UNAUTHORIZED', message, undefined, { 'WWW-Authenticate': auth.challenge() });
  };
  const allow = (principal: Principal, next: NextFunction): void => {
    if (!hasRole(principal.role, role)) throw new HttpError('FORBIDDEN', `this operation needs the ${role} role; the credentials have ${principal.role}`);
    next();
  };
  return (req, res, next) => {
    const known = res.locals.principal as Principal | undefined;
    if (known) return allow(known, next);
    // Locked out: answered without checking the credentials, so right and wrong ones look the same.
    const locked = limiter?.lockedOut(clientAddress(req));
    if (locked !== undefined) throw tooMany(locked);
    const result = auth.authenticate(req.headers);
    if (result instanceof Promise) return result.then((r) => settle(req, res, next, r));
    return settle(req, res, next, result);
  };
}
