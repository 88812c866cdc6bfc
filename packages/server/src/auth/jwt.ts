import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from '../config/server-config';
import { highestRole, isRole, type Principal, type Role } from './roles';

/** Verifies bearer JWTs with a shared secret (HS*) and/or a JWKS URL, checking issuer and audience when configured. */
export class JwtVerifier {
  private readonly secret: Uint8Array | undefined;
  private readonly jwks: JWTVerifyGetKey | undefined;

  constructor(private readonly config: JwtConfig) {
    this.secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;
    this.jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  }

  /** The principal of a valid token, or `undefined` for an invalid one (expired, bad signature, wrong issuer…). */
  async verify(token: string): Promise<Principal | undefined> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return undefined;
    }
    const options = { issuer: this.config.issuer, audience: this.config.audience };
    try {
      let payload: JWTPayload;
      if (alg?.startsWith('HS')) {
        if (!this.secret) return undefined;
        payload = (await jwtVerify(token, this.secret, { ...options, algorithms: ['HS256', 'HS384', 'HS512'] })).payload;
      } else {
        if (!this.jwks) return undefined;
        payload = (await jwtVerify(token, this.jwks, options)).payload;
      }
      return { id: `jwt:${typeof payload.sub === 'string' ? payload.sub : 'anonymous'}`, role: this.roleOf(payload), via: 'jwt' };
    } catch {
      return undefined;
    }
  }

  private roleOf(payload: JWTPayload): Role {
    const claim = payload[this.config.roleClaim];
    const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
    return highestRole(values.filter(isRole)) ?? this.config.defaultRole;
  }
}

/** True for text shaped like a compact JWS (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}
