import { SecretNotBoundError } from '../errors';
import type { EnvironmentSettings } from '../settings';

/** One secret of an environment and the origins HTTP requests carrying it may go to. */
export interface SecretBinding {
  name: string;
  value: string;
  origins: ReadonlySet<string>;
  /** Bound with `{ value, origins }`; otherwise bound to the environment's base URLs. */
  declared: boolean;
}

/** The secrets of an environment with their origins; plain strings are bound to the environment's base URLs. */
export function bindSecrets(settings: EnvironmentSettings): SecretBinding[] {
  const baseOrigins = new Set(Object.values(settings.baseUrls ?? {}).map((u) => new URL(u).origin));
  return Object.entries(settings.secrets ?? {})
    .filter(([, s]) => (typeof s === 'string' ? s : s.value) !== '')
    .map(([name, s]) =>
      typeof s === 'string'
        ? { name, value: s, origins: baseOrigins, declared: false }
        : { name, value: s.value, origins: new Set(s.origins.map((o) => new URL(o).origin)), declared: true },
    );
}

/** The values of an environment's secrets, by name (what `$Secret{NAME}` reads). */
export function secretValues(settings: EnvironmentSettings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, s] of Object.entries(settings.secrets ?? {})) out[name] = typeof s === 'string' ? s : s.value;
  return out;
}

/**
 * Throws `SecretNotBoundError` when any part of a request (URL, header values, body) carries the
 * value of a secret that is not bound to `origin`; nothing has been sent then.
 */
export function checkSecretOrigins(bindings: readonly SecretBinding[], origin: string, parts: readonly string[]): void {
  for (const b of bindings) {
    if (b.origins.has(origin)) continue;
    if (!parts.some((p) => p.includes(b.value))) continue;
    const bound = [...b.origins].join(', ') || 'none';
    throw new SecretNotBoundError(
      b.name,
      origin,
      b.declared ? `it is bound to ${bound}` : `a secret given as a plain string goes only to the environment's base URLs (${bound}); bind it with { value, origins: [${JSON.stringify(origin)}] }`,
    );
  }
}
