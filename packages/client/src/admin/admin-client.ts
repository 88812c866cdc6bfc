import { adminPath, adminRoutes } from '@switchyard/core';
import type { FlagDefinition } from '@switchyard/core';
import type * as api from './contract';
import { serverBaseUrl } from '../server-url';
import { AdminApiError, AdminNetworkError, AdminTimeoutError, adminApiErrorOf } from './errors';

/** How to reach a server's native admin API. */
export interface AdminClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Headers on every request (another auth scheme, tracing); `Authorization` here wins over `token`. */
  headers?: Record<string, string>;
  /** A `fetch` implementation. Default: the global one. */
  fetch?: typeof fetch;
  /** Milliseconds before a request is abandoned with `AdminTimeoutError`. Default 15000. */
  timeoutMs?: number;
}

/** Per-call options. */
export interface AdminCallOptions {
  /** Headers for this call only (they override the client's). */
  headers?: Record<string, string>;
  /** Cancels the call; the abort reason is rethrown as is. */
  signal?: AbortSignal;
}

/** Writes guarded by the flag version last read (`If-Match`); `0` creates only. */
export interface AdminWriteOptions extends AdminCallOptions {
  expectedVersion?: number;
}

/** What a call sends, typed by operation from the contract in `@switchyard/core`. */
interface CallInput<K extends api.AdminOperationId> {
  params?: api.AdminOperations[K]['params'];
  query?: api.AdminOperations[K]['query'];
  body?: api.AdminOperations[K]['body'];
  options?: AdminWriteOptions;
}

/** A typed client of the native admin API (`/api/v1`), one method per operation. */
export interface AdminClient {
  readonly baseUrl: string;
  /** Any operation of the route table, typed by its id. */
  call<K extends api.AdminOperationId>(operation: K, input?: CallInput<K>): Promise<api.AdminOperations[K]['response']>;
  listFlags(query?: api.ListFlagsQuery, options?: AdminCallOptions): Promise<api.ListFlagsResponse>;
  getFlag(key: string, options?: AdminCallOptions): Promise<api.AdminFlagEntry>;
  putFlag(definition: FlagDefinition, options?: AdminWriteOptions): Promise<api.PutFlagResponse>;
  deleteFlag(key: string, options?: AdminWriteOptions): Promise<api.DeleteFlagResponse>;
  listValues(options?: AdminCallOptions): Promise<api.ListValuesResponse>;
  updateValues(body: api.UpdateValuesBody, options?: AdminCallOptions): Promise<void>;
  evaluate(body: api.EvaluateBody, options?: AdminCallOptions): Promise<api.EvaluateResponse>;
  listAudit(query?: api.ListAuditQuery, options?: AdminCallOptions): Promise<api.ListAuditResponse>;
  listFeatures(options?: AdminCallOptions): Promise<api.ListFeaturesResponse>;
  purgeFeatures(body?: api.PurgeFeaturesBody, options?: AdminCallOptions): Promise<api.PurgeFeaturesResponse>;
  whoami(options?: AdminCallOptions): Promise<api.WhoamiResponse>;
}

/** Query values as text; `undefined` entries are left out. */
function queryString(query: object | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}


/**
 * A client of a Switchyard server's native admin API. Every method is typed from the contract in
 * `@switchyard/core` (`adminRoutes` and its request/response types), so a change there breaks
 * compilation here and in every caller. Refusals throw `AdminApiError`; unreachable servers
 * `AdminNetworkError`; slow ones `AdminTimeoutError`.
 */
export function createAdminClient(options: AdminClientOptions): AdminClient {
  const baseUrl = serverBaseUrl(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 15_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const shared: Record<string, string> = { accept: 'application/json' };
  if (options.token !== undefined) shared.authorization = `Bearer ${options.token}`;
  for (const [name, value] of Object.entries(options.headers ?? {})) shared[name.toLowerCase()] = value;

  async function call<K extends api.AdminOperationId>(operation: K, input: CallInput<K> = {}): Promise<api.AdminOperations[K]['response']> {
    const { method } = adminRoutes[operation];
    const path = adminPath(operation, input.params ?? {}) + queryString(input.query);
    const what = `${method.toUpperCase()} ${path}`;
    const headers: Record<string, string> = { ...shared };
    for (const [name, value] of Object.entries(input.options?.headers ?? {})) headers[name.toLowerCase()] = value;
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    if (input.options?.expectedVersion !== undefined) headers['if-match'] = String(input.options.expectedVersion);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = input.options?.signal ? AbortSignal.any([input.options.signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, {
        method: method.toUpperCase(),
        headers,
        body: input.body === undefined ? null : JSON.stringify(input.body),
        signal,
      });
      text = await response.text();
    } catch (err) {
      if (input.options?.signal?.aborted) throw input.options.signal.reason;
      if (timeout.aborted) throw new AdminTimeoutError(timeoutMs, `${what}: no answer from ${baseUrl} within ${timeoutMs} ms`, { cause: err });
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is its cause.
      const reason = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      throw new AdminNetworkError(`${what}: cannot reach ${baseUrl}: ${reason}`, { cause: err });
    }
    const body = text ? parseJson(text) : undefined;
    if (!response.ok) throw adminApiErrorOf(response.status, body?.ok ? body.value : text, what);
    if (response.status === 204 || !text) return undefined;
    if (!body?.ok) throw new AdminApiError(response.status, 'INVALID_RESPONSE', `${what} answered with a body that is not JSON`, [], text);
    return body.value as api.AdminOperations[K]['response'];
  }

  return {
    baseUrl,
    call,
    listFlags: (query, o) => call('listFlags', { ...(query ? { query } : {}), ...(o ? { options: o } : {}) }),
    getFlag: (key, o) => call('getFlag', { params: { key }, ...(o ? { options: o } : {}) }),
    putFlag: (definition, o) => call('putFlag', { params: { key: definition.key }, body: definition, ...(o ? { options: o } : {}) }),
    deleteFlag: (key, o) => call('deleteFlag', { params: { key }, ...(o ? { options: o } : {}) }),
    listValues: (o) => call('listValues', o ? { options: o } : {}),
    updateValues: (body, o) => call('updateValues', { body, ...(o ? { options: o } : {}) }),
    evaluate: (body, o) => call('evaluate', { body, ...(o ? { options: o } : {}) }),
    listAudit: (query, o) => call('listAudit', { ...(query ? { query } : {}), ...(o ? { options: o } : {}) }),
    listFeatures: (o) => call('listFeatures', o ? { options: o } : {}),
    purgeFeatures: (body, o) => call('purgeFeatures', { body: body ?? {}, ...(o ? { options: o } : {}) }),
    whoami: (o) => call('whoami', o ? { options: o } : {}),
  };
}
