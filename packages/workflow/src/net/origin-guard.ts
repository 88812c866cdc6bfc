import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { ReadableStreamDefaultReader } from 'node:stream/web';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { AddressPolicy } from './address-policy';

/** A request was refused before any byte reached the peer: wrong origin, refused address, cross-origin redirect. */
export class OriginRefusedError extends Error {
  override readonly name = 'OriginRefusedError';
  readonly code = 'ORIGIN_REFUSED' as const;
}

/** A guarded request failed for another reason: too many redirects, an oversized response, a network error. */
export class GuardedRequestError extends Error {
  override readonly name = 'GuardedRequestError';
  constructor(
    readonly code: 'TOO_MANY_REDIRECTS' | 'RESPONSE_TOO_LARGE' | 'REQUEST_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface OriginGuardOptions {
  /**
   * The only origins requests may go to (`https://api.example.com`, `http://10.0.0.5:8080`).
   * Absent: any origin whose addresses are public.
   */
  allowOrigins?: readonly string[];
  /**
   * Addresses inside the refused ranges (loopback, private, link-local, …) that requests may
   * still reach: CIDR blocks or single addresses, e.g. `10.0.0.0/8`, `127.0.0.1`, `fd00::/8`.
   */
  allowPrivate?: readonly string[];
  /** Same-origin redirects followed per request. Default 5. */
  maxRedirects?: number;
  /** Largest response body read, in bytes. Default 10 MiB. */
  maxResponseBytes?: number;
  /** Longest a TCP/TLS connection may take to open. Default 10 s. */
  connectTimeoutMs?: number;
  /**
   * Name resolution (`dns.lookup`'s signature; called with `all: true`). Every address it returns
   * is checked when the connection opens, so a name that resolves differently between a check
   * and the connection (DNS rebinding) cannot reach a refused address.
   */
  lookup?: LookupFunction;
}

export interface GuardedRequest {
  /** Default `GET`. */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Origins this request is further confined to, on top of the guard's own `allowOrigins`. */
  allowOrigins?: readonly string[];
}

export interface GuardedResponse {
  status: number;
  statusText: string;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** The URL that answered, after same-origin redirects. */
  url: string;
  redirects: number;
  body: Uint8Array;
  /** The body as UTF-8 text. */
  text(): string;
}

/**
 * Sends HTTP requests only where they are allowed to go. Every request is checked before it is
 * sent (http or https, no credentials in the URL, an allowed origin, no refused literal
 * address), every connection when it opens (each resolved address, and the socket's peer
 * address), and redirects are followed only within the same origin. Use one guard per policy
 * and `close` it when done.
 */
export interface OriginGuard {
  /** Parses and checks a URL; throws `OriginRefusedError` naming the reason. */
  checkUrl(url: string | URL, allowOrigins?: readonly string[]): URL;
  /** Why a connection to `address` would be refused, or `undefined` when it would not. */
  refusal(address: string): string | undefined;
  /** Sends one request (following same-origin redirects) and reads the whole response. */
  fetch(url: string | URL, request?: GuardedRequest): Promise<GuardedResponse>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function createOriginGuard(options: OriginGuardOptions = {}): OriginGuard {
  return new Guard(options);
}

/**
 * `scheme://host[:port]` of an origin or URL given as an allow-list entry; `TypeError` when it has
 * a path, query, fragment or credentials, or is not http(s).
 */
export function normalizeOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`"${text}" is not an origin such as https://api.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`"${text}" is not an http or https origin`);
  if (url.username || url.password) throw new TypeError(`"${text}" must not hold credentials`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || /[?#]/.test(text)) throw new TypeError(`"${text}" must be an origin only (scheme://host[:port]), without a path, query or fragment`);
  return url.origin;
}

class Guard implements OriginGuard {
  private readonly policy: AddressPolicy;
  private readonly origins: ReadonlySet<string> | undefined;
  private readonly agent: Agent;
  private readonly maxRedirects: number;
  private readonly maxBytes: number;

  constructor(options: OriginGuardOptions) {
    this.policy = new AddressPolicy(options.allowPrivate ?? []);
    this.origins = options.allowOrigins ? new Set(options.allowOrigins.map(normalizeOrigin)) : undefined;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.maxBytes = options.maxResponseBytes ?? 10 * 1024 * 1024;
    const resolve = options.lookup ?? dnsLookup;
    const lookup = guardedLookup(resolve, this.policy);
    const connect = buildConnector({ lookup, timeout: options.connectTimeoutMs ?? 10_000 });
    const policy = this.policy;
    this.agent = new Agent({
      connect(opts, callback) {
        // Literal addresses skip name resolution: judge them here, before any connection opens.
        if (isIP(opts.hostname)) {
          const why = policy.refusal(opts.hostname);
          if (why) {
            callback(new OriginRefusedError(`refused to connect to ${why}`), null);
            return;
          }
        }
        connect(opts, (err, socket) => {
          if (err || !socket) return callback(err ?? new Error('no socket'), null);
          // The peer actually connected to, whatever resolved it.
          const peer = socket.remoteAddress;
          const why = peer ? policy.refusal(peer) : 'the peer address is unknown';
          if (why) {
            socket.destroy();
            return callback(new OriginRefusedError(`refused to connect to ${why}`), null);
          }
          callback(null, socket);
        });
      },
    });
  }

  refusal(address: string): string | undefined {
    return this.policy.refusal(address);
  }

  checkUrl(input: string | URL, allowOrigins?: readonly string[]): URL {
    let url: URL;
    try {
      url = typeof input === 'string' ? new URL(input) : new URL(input.href);
    } catch {
      throw new OriginRefusedError(`invalid URL ${JSON.stringify(String(input))}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OriginRefusedError(`unsupported URL scheme "${url.protocol}"; use http or https`);
    if (url.username || url.password) throw new OriginRefusedError(`refused ${url.origin}: URLs must not carry credentials (user:password@)`);
    if (this.origins && !this.origins.has(url.origin)) throw new OriginRefusedError(`refused ${url.origin}: not an allowed origin (allowed: ${[...this.origins].join(', ')})`);
    if (allowOrigins && !allowOrigins.some((o) => sameOrigin(o, url.origin))) {
      throw new OriginRefusedError(`refused ${url.origin}: not an origin this workflow allows (allowed: ${allowOrigins.join(', ') || 'none'})`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const why = this.policy.refusal(host);
      if (why) throw new OriginRefusedError(`refused ${url.origin}: ${why}`);
    }
    return url;
  }

  async fetch(input: string | URL, request: GuardedRequest = {}): Promise<GuardedResponse> {
    let url = this.checkUrl(input, request.allowOrigins);
    const origin = url.origin;
    let method = (request.method ?? 'GET').toUpperCase();
    let body = request.body;
    let headers = { ...(request.headers ?? {}) };
    for (let redirects = 0; ; redirects++) {
      const res = await this.send(url, method, headers, body, request.signal);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || location === null) {
        const bytes = await this.read(res, url, request.signal);
        return { status: res.status, statusText: res.statusText, headers: Object.fromEntries(res.headers), url: url.href, redirects, body: bytes, text: () => new TextDecoder('utf-8').decode(bytes) };
      }
      await res.body?.cancel().catch(() => undefined);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new GuardedRequestError('REQUEST_FAILED', `${method} ${url.origin}${url.pathname} redirected to an invalid location`);
      }
      if (next.origin !== origin) throw new OriginRefusedError(`${method} ${url.origin}${url.pathname} redirected to another origin (${next.origin}); only redirects within ${origin} are followed`);
      if (redirects + 1 > this.maxRedirects) throw new GuardedRequestError('TOO_MANY_REDIRECTS', `${method} ${origin}${url.pathname}: more than ${this.maxRedirects} redirects`);
      url = this.checkUrl(next, request.allowOrigins);
      // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-/i.test(k)));
      }
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, signal: AbortSignal | undefined) {
    try {
      return await undiciFetch(url, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual', dispatcher: this.agent, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : err;
      const refused = findCause(err, (e): e is OriginRefusedError => e instanceof OriginRefusedError);
      if (refused) throw refused;
      const cause = findCause(err, (e): e is { code: string } => typeof (e as { code?: unknown }).code === 'string');
      const detail = cause?.code ?? (err as Error).message;
      throw new GuardedRequestError('REQUEST_FAILED', `${method} ${url.origin}${url.pathname} failed: ${detail}`, { cause: err });
    }
  }

  private async read(res: Awaited<ReturnType<typeof undiciFetch>>, url: URL, signal: AbortSignal | undefined): Promise<Uint8Array> {
    if (!res.body) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let size = 0;
    // undici types the body as a stream of `any`; a fetch body streams bytes.
    const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > this.maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new GuardedRequestError('RESPONSE_TOO_LARGE', `${url.origin}${url.pathname} answered with more than ${this.maxBytes} bytes`);
        }
        chunks.push(value);
      }
    } catch (err) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : err;
      throw err;
    }
    return Buffer.concat(chunks);
  }
}

function sameOrigin(entry: string, origin: string): boolean {
  try {
    return new URL(entry).origin === origin;
  } catch {
    return false;
  }
}

function findCause<T>(err: unknown, test: (e: unknown) => e is T): T | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 8; depth++) {
    if (test(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `lookup` that resolves every address and refuses the name when any of them is refused. */
function guardedLookup(resolve: LookupFunction, policy: AddressPolicy): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    resolve(hostname, { ...options, all: true }, (err: NodeJS.ErrnoException | null, addresses: string | LookupAddress[]) => {
      if (err) return callback(err, '');
      const list = Array.isArray(addresses) ? addresses : [{ address: addresses, family: isIP(addresses) }];
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      for (const a of list) {
        const why = policy.refusal(a.address);
        if (why) return callback(new OriginRefusedError(`refused to connect to ${hostname}: it resolves to ${why}`), '');
      }
      if (options.all) callback(null, list);
      else callback(null, list[0]!.address, list[0]!.family);
    });
  }) as LookupFunction;
}
