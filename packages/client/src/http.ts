import { ServerResponseError, ServerUnavailableError } from './errors';
import { serverBaseUrl } from './server-url';

/** How to reach a Switchyard server. */
export interface ConnectionOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Extra headers on every request (another auth scheme, tracing). */
  headers?: Record<string, string>;
  /** Milliseconds before a request (not the event stream) is abandoned. Default 5000. */
  requestTimeoutMs?: number;
  /** A `fetch` implementation. Default: the global one. */
  fetch?: typeof fetch;
}

/** Requests to one server with shared headers and timeouts. */
export class Http {
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ConnectionOptions) {
    this.baseUrl = serverBaseUrl(options.url);
    this.headers = { ...options.headers };
    if (options.apiKey !== undefined) this.headers.Authorization = `Bearer ${options.apiKey}`;
    this.timeoutMs = options.requestTimeoutMs ?? 5000;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** A JSON request; resolves to the parsed body (or `undefined` for 204). */
  async json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.send(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    if (!res.ok) throw await responseError(res, method, path);
    if (res.status === 204) return undefined as T;
    try {
      return (await res.json()) as T;
    } catch (err) {
      throw new ServerUnavailableError(`${method} ${path}: the response is not valid JSON`, { cause: err });
    }
  }

  /** Opens a long-lived response (an event stream); only `signal` ends it. */
  async open(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    const res = await this.send(path, { method: 'GET', headers, signal });
    if (!res.ok) throw await responseError(res, 'GET', path);
    return res;
  }

  /**
   * A raw request with the configured headers: network failures become `ServerUnavailableError`;
   * the response is returned whatever its status.
   */
  async send(path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
    try {
      return await this.fetchImpl(this.baseUrl + path, { ...init, headers: { ...this.headers, ...init.headers } });
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : describe(err);
      throw new ServerUnavailableError(`${init.method ?? 'GET'} ${this.baseUrl}${path}: ${reason}`, { cause: err });
    }
  }
}

/** The network cause of a fetch failure (`ECONNREFUSED`, …) rather than undici's generic "fetch failed". */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return err.message;
}

/** A `ServerResponseError` from the server's error body (`{ error: { code, message } }`) when there is one. */
export async function responseError(res: Response, method: string, path: string): Promise<ServerResponseError> {
  let code: string | undefined;
  let message = `${method} ${path}: HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message += ` ${body.error.message}`;
  } catch {
    // Not a JSON error body; the status says enough.
  }
  return new ServerResponseError(res.status, code, message);
}
