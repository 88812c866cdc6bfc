import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from '../config/server-config';
import { RoleMap } from './access-roles';
import type { Principal } from './roles';

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
/** Asymmetric algorithms accepted with a JWKS; `none` and HMAC never are (no key confusion). */
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Tolerated clock difference with the issuer, in seconds. */
const CLOCK_TOLERANCE = 5;

/**
 * Verifies bearer JWTs with a shared secret (HS*) and/or a JWKS URL (RS*, PS*, ES*, EdDSA), checking
 * issuer and audience when configured. The algorithm is pinned per key kind and every token must
 * carry an unexpired `exp`: a token that never expires is refused.
 */
export class JwtVerifier {
  private readonly secret: Uint8Array | undefined;
  private readonly jwks: JWTVerifyGetKey | undefined;

  constructor(
    private readonly config: JwtConfig,
    private readonly roles: RoleMap = new RoleMap(),
  ) {
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
    const options = { issuer: this.config.issuer, audience: this.config.audience, requiredClaims: ['exp'], clockTolerance: CLOCK_TOLERANCE };
    try {
      let payload: JWTPayload;
      if (alg?.startsWith('HS')) {
        if (!this.secret) return undefined;
        payload = (await jwtVerify(token, this.secret, { ...options, algorithms: HMAC_ALGORITHMS })).payload;
      } else {
        if (!this.jwks || !alg || !ASYMMETRIC_ALGORITHMS.includes(alg)) return undefined;
        payload = (await jwtVerify(token, this.jwks, { ...options, algorithms: ASYMMETRIC_ALGORITHMS })).payload;
      }
      const names = this.roleNames(payload);
      return { id: `jwt:${typeof payload.sub === 'string' ? payload.sub : 'anonymous'}`, role: this.roles.highest(names) ?? this.config.defaultRole, roles: names, via: 'jwt' };
    } catch {
      return undefined;
    }
  }

  /** The role names in the role claim: a list, or a string of names separated by spaces or commas. */
  private roleNames(payload: JWTPayload): string[] {
    const claim = payload[this.config.roleClaim];
    const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
    return values.filter((v): v is string => typeof v === 'string' && v !== '');
  }
}

/** True for text shaped like a compact JWS (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}
