import { ValidationError } from '@switchyard/core';
import type { EvaluationContext, EvaluationDetails, FlagDefinition, StoredValues, ValueUpdate } from '@switchyard/core';
import { BackendError } from '../exit-error';
import { ApiError } from './api-error';
import type { Backend, FlagEntry, FlagListOptions, PurgeOptions, WriteOptions } from './backend';

const TIMEOUT_MS = 15_000;

interface ErrorBody {
  error?: { code?: string; message?: string; issues?: { path?: (string | number)[]; message?: string }[] };
}

/** Removes user:password from a URL for messages. */
function redactHttp(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.href.replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** A `Backend` over a switchyard server's native API (`/api/v1`). */
export class HttpBackend implements Backend {
  readonly label: string;
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly apiKey?: string,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new ValidationError([{ path: ['server'], message: `"${baseUrl}" is not a URL` }], `--server: "${baseUrl}" is not a URL (expected e.g. http://localhost:3000)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ValidationError([{ path: ['server'], message: 'must be http(s)' }], `--server: "${baseUrl}" must be an http:// or https:// URL`);
    }
    this.base = parsed.href.replace(/\/+$/, '');
    this.label = redactHttp(this.base);
  }

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; data: T | undefined }> {
    const all: Record<string, string> = { accept: 'application/json', ...headers };
    if (body !== undefined) all['content-type'] = 'application/json';
    if (this.apiKey) all.authorization = `Bearer ${this.apiKey}`;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: all,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      throw new BackendError(`cannot reach server ${this.label}: ${cause}`, { cause: err });
    }
    const text = await response.text();
    let data: unknown;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        if (response.ok) throw new BackendError(`server ${this.label} answered ${method} ${path} with a body that is not JSON`);
      }
    }
    if (response.ok || response.status === 404) return { status: response.status, data: data as T };
    throw this.failure(response.status, data as ErrorBody | undefined, `${method} ${path}`);
  }

  private failure(status: number, body: ErrorBody | undefined, what: string): Error {
    const code = body?.error?.code ?? `HTTP_${status}`;
    const message = body?.error?.message ?? `server ${this.label} answered ${what} with HTTP ${status}`;
    if (status === 422 || code === 'VALIDATION') {
      const issues = (body?.error?.issues ?? []).map((i) => ({ path: i.path ?? [], message: i.message ?? 'invalid' }));
      return new ValidationError(issues.length ? issues : [{ path: [], message }], message);
    }
    if (status >= 500) return new BackendError(`server ${this.label}: ${message}`);
    return new ApiError(status, code, message);
  }

  private flagPath(key: string): string {
    return `/api/v1/flags/${encodeURIComponent(key)}`;
  }

  async listFlags(options: FlagListOptions = {}): Promise<FlagEntry[]> {
    const query = new URLSearchParams();
    if (options.flagSet !== undefined) query.set('flagSet', options.flagSet);
    query.set('includeDisabled', String(options.includeDisabled ?? true));
    const { data } = await this.request<{ flags: FlagEntry[] }>('GET', `/api/v1/flags?${query}`);
    return data?.flags ?? [];
  }

  async getFlag(key: string): Promise<FlagEntry | undefined> {
    const { status, data } = await this.request<FlagEntry>('GET', this.flagPath(key));
    if (status === 404) return undefined;
    return data && 'flag' in data ? (data as unknown as { flag: FlagEntry }).flag : data;
  }

  async upsertFlag(definition: FlagDefinition, options: WriteOptions = {}): Promise<FlagEntry> {
    const headers: Record<string, string> = options.expectedVersion === undefined ? {} : { 'if-match': String(options.expectedVersion) };
    const { status, data } = await this.request<{ flag: FlagEntry }>('PUT', this.flagPath(definition.key), definition, headers);
    if (status === 404 || !data) throw new ApiError(status, 'NOT_FOUND', `server ${this.label} has no flag API at ${this.flagPath(definition.key)}`);
    return data.flag;
  }

  async deleteFlag(key: string, options: WriteOptions = {}): Promise<boolean> {
    const headers: Record<string, string> = options.expectedVersion === undefined ? {} : { 'if-match': String(options.expectedVersion) };
    const { status } = await this.request<{ deleted: boolean }>('DELETE', this.flagPath(key), undefined, headers);
    return status !== 404;
  }

  async listValues(): Promise<Record<string, StoredValues>> {
    const { data } = await this.request<{ values: Record<string, StoredValues> }>('GET', '/api/v1/values');
    return data?.values ?? {};
  }

  async setValues(updates: ValueUpdate[]): Promise<void> {
    const { status } = await this.request('POST', '/api/v1/values', { updates });
    if (status === 404) throw new ApiError(404, 'NOT_FOUND', `server ${this.label} has no values API`);
  }

  /** Evaluates flags on the server (`POST /api/v1/evaluate`). */
  async evaluate(context: EvaluationContext, environment?: string, flags?: string[]): Promise<EvaluationDetails[]> {
    const { data } = await this.request<{ results: EvaluationDetails[] }>('POST', '/api/v1/evaluate', { context, environment, flags });
    return data?.results ?? [];
  }

  async listFeatures(): Promise<string[]> {
    const { data } = await this.request<{ features: string[] }>('GET', '/api/v1/features');
    return data?.features ?? [];
  }

  async purgeFeatures(options: PurgeOptions): Promise<number> {
    const { data } = await this.request<{ purged: number }>('POST', '/api/v1/features/purge', options);
    return data?.purged ?? 0;
  }

  async close(): Promise<void> {}
}
