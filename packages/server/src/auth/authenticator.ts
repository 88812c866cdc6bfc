import type { IncomingHttpHeaders } from 'node:http';
import { authEnabled, type AuthConfig } from '../config/server-config';
import { digest, findDigest } from './constant-time';
import { RoleMap } from './access-roles';
import { JwtVerifier, looksLikeJwt } from './jwt';
import type { Principal, Role } from './roles';

/** `ok`: accepted; `missing`: no credentials were presented; `invalid`: credentials were presented and refused. */
export type AuthResult = { kind: 'ok'; principal: Principal } | { kind: 'missing' } | { kind: 'invalid' };

const ANONYMOUS: AuthResult = Object.freeze({ kind: 'ok', principal: Object.freeze({ id: 'anonymous', role: 'admin', via: 'none' }) });
const MISSING: AuthResult = Object.freeze({ kind: 'missing' });
const INVALID: AuthResult = Object.freeze({ kind: 'invalid' });

/**
 * Checks a request's credentials against every configured strategy: API keys (`Authorization:
 * Bearer KEY` or `X-API-Key`), basic auth, JWT bearer tokens. Secrets are kept only as digests
 * and compared in constant time. Without any credential configured every request is accepted as
 * `admin` (the server then only listens on loopback unless `--insecure`).
 */
export class Authenticator {
  readonly enabled: boolean;
  private readonly keyDigests: Buffer[];
  private readonly keyRoles: Principal[];
  private readonly basicDigests: Buffer[];
  private readonly basicPrincipals: Principal[];
  private readonly jwt: JwtVerifier | undefined;

  constructor(config: AuthConfig) {
    this.enabled = authEnabled(config);
    const roles = new RoleMap(config.accessRoles);
    const grant = (name: string, who: string): Role => {
      const role = roles.roleOf(name);
      if (!role) throw new TypeError(`${who} has the role "${name}", which grants nothing: use read, write, admin or a name listed in the access roles`);
      return role;
    };
    this.keyDigests = config.apiKeys.map((k) => digest(k.key));
    this.keyRoles = config.apiKeys.map((k, i) => ({ id: `api-key#${i + 1}`, role: grant(k.role, `API key ${i + 1}`), roles: [k.role], via: 'api-key' }));
    // username:password digested together, so a wrong username costs the same as a wrong password.
    this.basicDigests = config.basic.map((b) => digest(`${b.username}:${b.password}`));
    this.basicPrincipals = config.basic.map((b) => ({ id: `basic:${b.username}`, role: grant(b.role, `user ${b.username}`), roles: [b.role], via: 'basic' }));
    this.jwt = config.jwt ? new JwtVerifier(config.jwt, roles) : undefined;
  }

  /**
   * API keys and basic credentials are answered synchronously; only a JWT (whose key may have to be
   * fetched from the JWKS) makes this return a promise, so the common cases cost no extra ticks.
   */
  authenticate(headers: IncomingHttpHeaders): AuthResult | Promise<AuthResult> {
    if (!this.enabled) return ANONYMOUS;
    const apiKey = headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey !== '') return this.byKey(apiKey) ?? INVALID;
    const authorization = headers.authorization;
    if (!authorization) return MISSING;
    const space = authorization.indexOf(' ');
    const scheme = space > 0 ? authorization.slice(0, space).toLowerCase() : '';
    const value = space > 0 ? authorization.slice(space + 1).trim() : '';
    if (scheme === 'bearer' && value) {
      const byKey = this.byKey(value);
      if (byKey) return byKey;
      if (this.jwt && looksLikeJwt(value)) return this.byJwt(this.jwt, value);
      return INVALID;
    }
    if (scheme === 'basic' && value && this.basicDigests.length) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const i = findDigest(decoded, this.basicDigests);
      return i >= 0 ? { kind: 'ok', principal: this.basicPrincipals[i]! } : INVALID;
    }
    return INVALID;
  }

  private async byJwt(jwt: JwtVerifier, token: string): Promise<AuthResult> {
    const principal = await jwt.verify(token);
    return principal ? { kind: 'ok', principal } : INVALID;
  }

  private byKey(key: string): AuthResult | undefined {
    if (this.keyDigests.length === 0) return undefined;
    const i = findDigest(key, this.keyDigests);
    return i >= 0 ? { kind: 'ok', principal: this.keyRoles[i]! } : undefined;
  }

  /** The `WWW-Authenticate` challenge for 401 responses. */
  challenge(): string {
    const schemes: string[] = [];
    if (this.keyDigests.length || this.jwt) schemes.push('Bearer realm="switchyard"');
    if (this.basicDigests.length) schemes.push('Basic realm="switchyard"');
    return schemes.join(', ');
  }
}
