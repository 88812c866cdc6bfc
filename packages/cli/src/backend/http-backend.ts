import { ValidationError } from '@switchyard/core';
import type { EvaluationContext, EvaluationDetails, FlagDefinition, StoredValues, ValueUpdate } from '@switchyard/core';
import { AdminApiError, AdminNetworkError, AdminTimeoutError, createAdminClient, type AdminClient, type AdminErrorBody } from '@switchyard/client/admin';
import { BackendError } from '../exit-error';
import { ApiError } from './api-error';
import type { Backend, FlagEntry, FlagListOptions, PurgeOptions, WriteOptions } from './backend';

const TIMEOUT_MS = 15_000;

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

/** The reason under fetch's generic "fetch failed" (ECONNREFUSED, a timeout, a TLS error). */
function reasonOf(err: unknown): string {
  return err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
}

/** A `Backend` over a switchyard server's native API (`/api/v1`), through the typed admin client. */
export class HttpBackend implements Backend {
  readonly label: string;
  private readonly client: AdminClient;

  constructor(baseUrl: string, apiKey?: string) {
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new ValidationError([{ path: ['server'], message: `"${baseUrl}" is not a URL` }], `--server: "${baseUrl}" is not a URL (expected e.g. http://localhost:3000)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ValidationError([{ path: ['server'], message: 'must be http(s)' }], `--server: "${baseUrl}" must be an http:// or https:// URL`);
    }
    const base = parsed.href.replace(/\/+$/, '');
    this.label = redactHttp(base);
    this.client = createAdminClient({ baseUrl: base, timeoutMs: TIMEOUT_MS, ...(apiKey ? { token: apiKey } : {}) });
  }

  /**
   * Runs one call, translating the client's errors into the CLI's: unreachable → `BackendError`,
   * 422 → core's `ValidationError`, 5xx → `BackendError`, other refusals → `ApiError`. With
   * `onNotFound`, a 404 answers that value instead (a server without that API, or no such flag).
   */
  private async run<T>(what: string, call: (client: AdminClient) => Promise<T>, onNotFound?: () => T): Promise<T> {
    try {
      return await call(this.client);
    } catch (err) {
      if (err instanceof AdminNetworkError || err instanceof AdminTimeoutError) {
        throw new BackendError(`cannot reach server ${this.label}: ${reasonOf(err.cause)}`, { cause: err });
      }
      if (!(err instanceof AdminApiError)) throw err;
      if (err.status === 404 && onNotFound) return onNotFound();
      if (err.status < 400) throw new BackendError(`server ${this.label} answered ${what} with a body that is not JSON`, { cause: err });
      throw this.failure(err, what);
    }
  }

  private failure(err: AdminApiError, what: string): Error {
    const body = (err.body as Partial<AdminErrorBody> | undefined)?.error;
    const code = body?.code ?? `HTTP_${err.status}`;
    const message = body?.message ?? `server ${this.label} answered ${what} with HTTP ${err.status}`;
    if (err.status === 422 || code === 'VALIDATION') {
      const issues = err.details.map((i) => ({ path: i.path ?? [], message: i.message ?? 'invalid' }));
      return new ValidationError(issues.length ? issues : [{ path: [], message }], message);
    }
    if (err.status >= 500) return new BackendError(`server ${this.label}: ${message}`);
    return new ApiError(err.status, code, message);
  }

  async listFlags(options: FlagListOptions = {}): Promise<FlagEntry[]> {
    const query = { ...(options.flagSet !== undefined ? { flagSet: options.flagSet } : {}), includeDisabled: (options.includeDisabled ?? true) ? ('true' as const) : ('false' as const) };
    return this.run('GET /api/v1/flags', async (c) => (await c.listFlags(query)).flags, () => []);
  }

  async getFlag(key: string): Promise<FlagEntry | undefined> {
    return this.run(`GET /api/v1/flags/${key}`, (c) => c.getFlag(key), () => undefined);
  }

  async upsertFlag(definition: FlagDefinition, options: WriteOptions = {}): Promise<FlagEntry> {
    const path = `/api/v1/flags/${encodeURIComponent(definition.key)}`;
    const write = options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion };
    return this.run(`PUT ${path}`, async (c) => (await c.putFlag(definition, write)).flag, () => {
      throw new ApiError(404, 'NOT_FOUND', `server ${this.label} has no flag API at ${path}`);
    });
  }

  async deleteFlag(key: string, options: WriteOptions = {}): Promise<boolean> {
    const write = options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion };
    return this.run(`DELETE /api/v1/flags/${key}`, async (c) => (await c.deleteFlag(key, write)).deleted, () => false);
  }

  async listValues(): Promise<Record<string, StoredValues>> {
    return this.run('GET /api/v1/values', async (c) => (await c.listValues()).values, () => ({}));
  }

  async setValues(updates: ValueUpdate[]): Promise<void> {
    return this.run('POST /api/v1/values', (c) => c.updateValues({ updates }), () => {
      throw new ApiError(404, 'NOT_FOUND', `server ${this.label} has no values API`);
    });
  }

  /** Evaluates flags on the server (`POST /api/v1/evaluate`). */
  async evaluate(context: EvaluationContext, environment?: string, flags?: string[]): Promise<EvaluationDetails[]> {
    const body = { context, ...(environment !== undefined ? { environment } : {}), ...(flags !== undefined ? { flags } : {}) };
    return this.run('POST /api/v1/evaluate', async (c) => (await c.evaluate(body)).results, () => []);
  }

  async listFeatures(): Promise<string[]> {
    return this.run('GET /api/v1/features', async (c) => (await c.listFeatures()).features, () => []);
  }

  async purgeFeatures(options: PurgeOptions): Promise<number> {
    return this.run('POST /api/v1/features/purge', async (c) => (await c.purgeFeatures(options)).purged, () => 0);
  }

  async close(): Promise<void> {}
}
