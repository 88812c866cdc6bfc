import { errors, importJWK, importSPKI, jwtVerify, type JWTPayload } from 'jose';
import { SessionError } from '../errors';
import type { SessionSettings } from '../settings';

type VerifyKey = Parameters<typeof jwtVerify>[1];

/** Verifies session tokens with the key configured per session tag; keys are imported once. */
export class SessionVerifier {
  private readonly keys = new Map<string, Promise<VerifyKey>>();

  constructor(private readonly sessions: Readonly<Record<string, SessionSettings>>) {}

  /** The token's claims, or a `SessionError` that says what is wrong with it. */
  async verify(tag: string, token: string, clock: () => number): Promise<Record<string, unknown>> {
    const settings = Object.hasOwn(this.sessions, tag) ? this.sessions[tag] : undefined;
    if (!settings) {
      const known = Object.keys(this.sessions);
      throw new SessionError(tag, `unknown session tag${known.length ? ` (sessions: ${known.join(', ')})` : ' (no sessions are configured)'}`);
    }
    if (typeof token !== 'string' || token.length === 0) throw new SessionError(tag, 'the token is missing');
    let payload: JWTPayload;
    try {
      const key = await this.key(tag, settings);
      ({ payload } = await jwtVerify(token, key, {
        algorithms: settings.algorithms ?? [settings.secret !== undefined ? 'HS256' : 'RS256'],
        ...(settings.issuer !== undefined ? { issuer: settings.issuer } : {}),
        ...(settings.audience !== undefined ? { audience: settings.audience } : {}),
        clockTolerance: settings.clockToleranceSec ?? 0,
        currentDate: new Date(clock()),
      }));
    } catch (err) {
      throw new SessionError(tag, describeJoseError(err));
    }
    const missing = settings.claims.filter((c) => payload[c] === undefined);
    if (missing.length) throw new SessionError(tag, `the token lacks claim${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`);
    return payload;
  }

  private key(tag: string, settings: SessionSettings): Promise<VerifyKey> {
    let key = this.keys.get(tag);
    if (!key) {
      key = importKey(tag, settings);
      key.catch(() => this.keys.delete(tag));
      this.keys.set(tag, key);
    }
    return key;
  }
}

async function importKey(tag: string, s: SessionSettings): Promise<VerifyKey> {
  const sources = [s.secret, s.publicKey, s.jwk].filter((k) => k !== undefined).length;
  if (sources !== 1) throw new SessionError(tag, 'configure exactly one of secret, publicKey or jwk');
  if (s.secret !== undefined) return new TextEncoder().encode(s.secret);
  const alg = s.algorithms?.[0] ?? 'RS256';
  if (s.publicKey !== undefined) return importSPKI(s.publicKey, alg);
  return importJWK(s.jwk as Parameters<typeof importJWK>[0], alg);
}

function describeJoseError(err: unknown): string {
  if (err instanceof SessionError) return err.message.replace(/^session "[^"]*": /, '');
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `the token's "${err.claim}" claim is not accepted (${err.reason})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this session does not accept';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'the token is not a well-formed JWT';
  return `the token cannot be verified: ${err instanceof Error ? err.message : String(err)}`;
}
