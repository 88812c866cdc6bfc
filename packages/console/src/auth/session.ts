import { computed, signal } from '@preact/signals';
import { admin, ApiError, configureClient, type Credentials } from '../api/client';
import type { Role, WhoAmI } from '../api/types';

const STORAGE_KEY = 'switchyard.console.credentials';

/** Who is signed in; `role` is `undefined` until known. */
export interface Session {
  /** `null` when the server has no credentials configured (everyone is admin on loopback). */
  credentials: Credentials | null;
  id: string;
  role: Role;
  /** True when the role came from the server; false when it is assumed until a write is refused. */
  roleKnown: boolean;
}

export const session = signal<Session | null>(null);
/** Edit controls are shown only to principals that may write. */
export const canWrite = computed(() => {
  const s = session.value;
  return s !== null && s.role !== 'read';
});

function describe(c: Credentials): string {
  return c.kind === 'api-key' ? 'API key' : `basic:${c.username}`;
}

/**
 * Checks the credentials against the server and learns the role from `GET /api/v1/whoami`. Servers
 * without that endpoint are probed with a read; the role is then assumed to allow writes until the
 * server refuses one (see `demoteToReadOnly`).
 */
export async function signIn(credentials: Credentials, remember: boolean): Promise<Session> {
  let next: Session;
  try {
    const me = (await admin((api, o) => api.whoami(o), { credentials })) as WhoAmI;
    next = { credentials, id: me.id, role: me.role, roleKnown: true };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    await admin((api, o) => api.listAudit({ limit: 1 }, o), { credentials });
    next = { credentials, id: describe(credentials), role: 'write', roleKnown: false };
  }
  configureClient(credentials, signOut);
  session.value = next;
  try {
    if (remember) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage may be disabled; the session then lasts as long as the page.
  }
  return next;
}

/** The sign-in methods a server accepts, read from its `WWW-Authenticate` challenge. */
export type SignInMethod = 'api-key' | 'basic';

/**
 * What the server says before any credentials are typed: `open` when it answers `whoami` without
 * credentials (auth is off, so no sign-in form is shown), otherwise the methods its 401 challenge
 * names (Bearer: an API key or a JWT; Basic: username and password).
 */
export async function probeServer(): Promise<{ open: true } | { open: false; methods: SignInMethod[] }> {
  const response = await fetch('/api/v1/whoami', { headers: { Accept: 'application/json' }, credentials: 'omit', cache: 'no-store' });
  if (response.ok) {
    const me = (await response.json()) as WhoAmI;
    configureClient(null, signOut);
    session.value = { credentials: null, id: me.id, role: me.role, roleKnown: true };
    return { open: true };
  }
  const challenge = response.headers.get('WWW-Authenticate') ?? '';
  const methods: SignInMethod[] = [];
  if (/\bBearer\b/i.test(challenge)) methods.push('api-key');
  if (/\bBasic\b/i.test(challenge)) methods.push('basic');
  return { open: false, methods: methods.length ? methods : ['api-key', 'basic'] };
}

/** Forgets the credentials (memory and sessionStorage). */
export function signOut(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
  configureClient(null);
  session.value = null;
}

/** A write was refused with 403: the principal can only read, so edit controls disappear. */
export function demoteToReadOnly(): void {
  const s = session.value;
  if (s && s.role !== 'read') session.value = { ...s, role: 'read', roleKnown: true };
}

/** Credentials kept for this tab by an earlier sign-in, if any. */
export function storedCredentials(): Credentials | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Credentials;
    if (parsed.kind === 'api-key' && typeof parsed.key === 'string') return parsed;
    if (parsed.kind === 'basic' && typeof parsed.username === 'string' && typeof parsed.password === 'string') return parsed;
  } catch {
    // unreadable: sign in again
  }
  return null;
}
