import type { ErrorCode, EvaluationContext, EvaluationDetails, EvaluationMetadata, FlagValue, JsonObject, JsonValue, Reason } from '@switchyard/core';
import { ServerResponseError } from './errors';
import { Http, type ConnectionOptions } from './http';

export interface RemoteClientOptions extends ConnectionOptions {
  /** Environment sent as the context's `environment` attribute when the context has none. */
  environment?: string;
}

interface OfrepResult {
  key?: string;
  value?: unknown;
  reason?: string;
  variant?: string;
  metadata?: EvaluationMetadata;
  errorCode?: string;
  errorDetails?: string;
}

const EMPTY_METADATA: EvaluationMetadata = Object.freeze({});
const ERROR_CODES = new Set<string>(['FLAG_NOT_FOUND', 'TYPE_MISMATCH', 'PARSE_ERROR', 'TARGETING_KEY_MISSING', 'INVALID_CONTEXT', 'GENERAL']);

/**
 * Remote-only evaluation through the server's OFREP endpoints: every call is a request. Use it
 * where keeping a snapshot is not wanted; `SwitchyardClient` evaluates locally. Never throws:
 * an unreachable server yields the caller's default with `reason: 'ERROR'` and `errorCode: 'GENERAL'`.
 */
export class RemoteClient {
  private readonly http: Http;

  constructor(private readonly options: RemoteClientOptions) {
    this.http = new Http(options);
  }

  async isEnabled(key: string, context?: EvaluationContext): Promise<boolean> {
    return (await this.getDetails(key, false, context)).value;
  }

  async getValue(key: string, defaultValue: boolean, context?: EvaluationContext): Promise<boolean>;
  async getValue(key: string, defaultValue: string, context?: EvaluationContext): Promise<string>;
  async getValue(key: string, defaultValue: number, context?: EvaluationContext): Promise<number>;
  async getValue<T extends JsonObject | JsonValue[]>(key: string, defaultValue: T, context?: EvaluationContext): Promise<T>;
  async getValue(key: string, defaultValue: FlagValue, context?: EvaluationContext): Promise<FlagValue> {
    return (await this.getDetails(key, defaultValue, context)).value;
  }

  /** Typed details: the caller's default on any error, `TYPE_MISMATCH` when the flag has another type. */
  async getDetails<T extends FlagValue>(key: string, defaultValue: T, context?: EvaluationContext): Promise<EvaluationDetails<T>> {
    const r = await this.evaluate(key, context);
    if (r.errorCode !== undefined) return { ...r, value: defaultValue };
    const v = r.value;
    const wanted = typeof defaultValue;
    const ok = wanted === 'object' ? typeof v === 'object' && v !== null : typeof v === wanted;
    if (ok) return r as EvaluationDetails<T>;
    const actual = Array.isArray(v) ? 'array' : typeof v;
    return failed(key, defaultValue, 'TYPE_MISMATCH', `flag "${key}" is a ${actual} flag, not ${wanted}`) as EvaluationDetails<T>;
  }

  /** `POST /ofrep/v1/evaluate/flags/:key`. */
  async evaluate(key: string, context?: EvaluationContext): Promise<EvaluationDetails<FlagValue | undefined>> {
    try {
      const res = await this.http.send(`/ofrep/v1/evaluate/flags/${encodeURIComponent(key)}`, this.request(context));
      const body = (await res.json().catch(() => undefined)) as OfrepResult | undefined;
      if (body === undefined || typeof body !== 'object') return failed(key, undefined, 'GENERAL', `HTTP ${res.status} without an OFREP body`);
      return fromOfrep(key, body);
    } catch (err) {
      return failed(key, undefined, 'GENERAL', err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * `POST /ofrep/v1/evaluate/flags`: every flag. There is no default to fall back on, so failures
   * reject: `ServerUnavailableError` (unreachable) or `ServerResponseError` (an error status).
   */
  async evaluateAll(context?: EvaluationContext): Promise<EvaluationDetails[]> {
    const path = '/ofrep/v1/evaluate/flags';
    const res = await this.http.send(path, this.request(context));
    const body = (await res.json().catch(() => undefined)) as { flags?: OfrepResult[]; errorCode?: string; errorDetails?: string } | undefined;
    if (!res.ok || !Array.isArray(body?.flags)) {
      throw new ServerResponseError(res.status, body?.errorCode, `POST ${path}: HTTP ${res.status}${body?.errorDetails ? ` ${body.errorDetails}` : ''}`);
    }
    return body.flags.map((f) => fromOfrep(f.key ?? '', f) as EvaluationDetails);
  }

  private request(context: EvaluationContext | undefined): RequestInit & { headers: Record<string, string> } {
    let ctx = context ?? {};
    if (this.options.environment !== undefined && ctx.environment === undefined) ctx = { ...ctx, environment: this.options.environment };
    return {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ context: ctx }),
      signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 5000),
    };
  }
}

function fromOfrep(key: string, body: OfrepResult): EvaluationDetails<FlagValue | undefined> {
  if (body.errorCode !== undefined) {
    const code = ERROR_CODES.has(body.errorCode) ? (body.errorCode as ErrorCode) : 'GENERAL';
    return failed(key, undefined, code, body.errorDetails ?? body.errorCode);
  }
  const out: { -readonly [K in keyof EvaluationDetails<FlagValue | undefined>]: EvaluationDetails<FlagValue | undefined>[K] } = {
    key,
    value: body.value as FlagValue,
    reason: (body.reason ?? 'STATIC') as Reason,
    metadata: body.metadata ?? EMPTY_METADATA,
  };
  if (body.variant !== undefined) out.variant = body.variant;
  return out;
}

function failed(key: string, value: FlagValue | undefined, code: ErrorCode, message: string): EvaluationDetails<FlagValue | undefined> {
  return { key, value, reason: 'ERROR', errorCode: code, errorMessage: message, metadata: EMPTY_METADATA };
}

/** Creates a client that evaluates every call on the server through OFREP. */
export function createRemoteClient(options: RemoteClientOptions): RemoteClient {
  return new RemoteClient(options);
}
