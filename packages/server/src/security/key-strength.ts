/** Shortest accepted API key, in characters: guessing stays out of reach even without the limiter. */
export const MIN_API_KEY_LENGTH = 16;
/** Shortest accepted HMAC secret for JWTs, in bytes (RFC 7518 asks for at least the hash size: 32 for HS256). */
export const MIN_JWT_SECRET_BYTES = 32;

/** Set to `1` to start with weaker secrets (tests and demos); a warning is logged at startup. */
export const ALLOW_WEAK_KEYS_ENV = 'SWITCHYARD_ALLOW_WEAK_KEYS';

/** Why an API key is too weak (naming where it came from, never the key), or `undefined`. */
export function apiKeyWeakness(key: string, where: string): string | undefined {
  if (key.length >= MIN_API_KEY_LENGTH) return undefined;
  return `${where} is ${key.length} characters long; API keys need at least ${MIN_API_KEY_LENGTH} (generate one with \`openssl rand -hex 24\`, or set ${ALLOW_WEAK_KEYS_ENV}=1 for tests and demos)`;
}

/** Why a JWT secret is too weak, or `undefined`. */
export function jwtSecretWeakness(secret: string, where: string): string | undefined {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes >= MIN_JWT_SECRET_BYTES) return undefined;
  return `${where} is ${bytes} bytes long; JWT secrets need at least ${MIN_JWT_SECRET_BYTES} (generate one with \`openssl rand -base64 48\`, or set ${ALLOW_WEAK_KEYS_ENV}=1 for tests and demos)`;
}

/** Every weakness of the configured credentials (API keys by position), for the startup warning. */
export function weakSecrets(auth: { apiKeys: readonly { key: string }[]; jwt?: { secret?: string } }): string[] {
  const out: string[] = [];
  auth.apiKeys.forEach((k, i) => {
    const problem = apiKeyWeakness(k.key, `API key ${i + 1}`);
    if (problem) out.push(problem);
  });
  if (auth.jwt?.secret) {
    const problem = jwtSecretWeakness(auth.jwt.secret, 'the JWT secret');
    if (problem) out.push(problem);
  }
  return out;
}

/** The secrets of a credential configuration, in every form a log line could carry them (for `createLogger`'s `secrets`). */
export function credentialSecrets(auth: { apiKeys: readonly { key: string }[]; basic: readonly { username: string; password: string }[]; jwt?: { secret?: string } }): string[] {
  const out: string[] = [];
  for (const k of auth.apiKeys) out.push(k.key);
  for (const b of auth.basic) out.push(b.password, Buffer.from(`${b.username}:${b.password}`).toString('base64'));
  if (auth.jwt?.secret) out.push(auth.jwt.secret);
  return out;
}
