import { AdminApiError, AdminNetworkError, AdminTimeoutError, adminApiErrorOf, createAdminClient, type AdminCallOptions, type AdminClient } from '@switchyard/client/admin';
import type { ApiIssue } from './types';

/** How the console signs its requests; kept in memory and, at most, in sessionStorage. */
export type Credentials = { kind: 'api-key'; key: string } | { kind: 'basic'; username: string; password: string };

/** A refused request, with the server's error code and (for 422) every issue it listed. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The `Authorization` header value for a set of credentials. */
export function authorization(credentials: Credentials): string {
  if (credentials.kind === 'api-key') return `Bearer ${credentials.key}`;
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

let current: Credentials | null = null;
let onUnauthorized: () => void = () => undefined;

/** Sets the credentials every request carries, and what to do when the server stops accepting them. */
export function configureClient(credentials: Credentials | null, unauthorized?: () => void): void {
  current = credentials;
  if (unauthorized) onUnauthorized = unauthorized;
}

export function currentCredentials(): Credentials | null {
  return current;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Use these credentials instead of the configured ones (signing in). */
  credentials?: Credentials;
}

/** Sends a JSON request to the server the console was loaded from; non-2xx answers throw `ApiError`. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const credentials = options.credentials ?? current;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (credentials) headers.Authorization = authorization(credentials);
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const error = apiErrorOf(adminApiErrorOf(response.status, data, 'the server'));
    if (response.status === 401 && !options.credentials) onUnauthorized();
    throw error;
  }
  return data as T;
}

let client: AdminClient | undefined;

/** The typed admin client of the server the console was loaded from, created on first use. */
function adminClient(): AdminClient {
  return (client ??= createAdminClient({
    baseUrl: location.origin,
    fetch: (input, init) => fetch(input, { ...init, credentials: 'omit', cache: 'no-store' }),
  }));
}

/**
 * Calls the native admin API through the typed client, signed with the configured credentials (or
 * `options.credentials` when signing in); failures throw `ApiError` like `request` does.
 */
export async function admin<T>(call: (api: AdminClient, options: AdminCallOptions) => Promise<T>, options: Pick<RequestOptions, 'credentials' | 'signal'> = {}): Promise<T> {
  const credentials = options.credentials ?? current;
  const callOptions: AdminCallOptions = {
    ...(credentials ? { headers: { Authorization: authorization(credentials) } } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  try {
    return await call(adminClient(), callOptions);
  } catch (err) {
    if (err instanceof AdminNetworkError || err instanceof AdminTimeoutError) throw new ApiError(0, 'NETWORK', 'the server cannot be reached');
    if (!(err instanceof AdminApiError)) throw err;
    const error = apiErrorOf(err);
    if (err.status === 401 && !options.credentials) onUnauthorized();
    throw error;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The console's error for a refusal the admin client read from the server's error body. */
function apiErrorOf(err: AdminApiError): ApiError {
  return new ApiError(err.status, err.code, err.message, err.details);
}
