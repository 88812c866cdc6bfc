import type { Response, Router } from 'express';
import { z } from 'zod';
import { flagKeyProblem, formatPath, strictObject } from '@switchyard/core';
import type { EvaluationContext, FlagDefinition, StoredFlag } from '@switchyard/core';
import { principalOf } from '../auth/require-role';
import {
  definitionToWorkertown,
  inexpressibleReason,
  nativeHref,
  workertownFlagInputSchema,
  workertownFlagSchema,
  workertownIssues,
  workertownToDefinition,
  type WorkertownFlag,
  type WorkertownFlagInput,
} from '../compat/workertown-flag';
import { HttpError } from '../http/http-error';
import { bodyOf, queryOf } from '../http/operations';
import { baseDefinition, isBaseKey, readOnlyMessage, writeAndSync, type ServerContext } from '../server-context';
import { routeGroups, type AddRoute } from './route-groups';

const TAG = 'Workertown compatible (/v1)';

/** Workertown's response envelope. */
export function envelope(res: Response, data: unknown, status = 200): void {
  res.status(status).json({ status, success: status < 400, data });
}

const envelopeOf = (data: z.ZodType) => z.object({ status: z.number(), success: z.boolean(), data, error: z.string().optional() });
const listQuery = strictObject({ include_disabled: z.enum(['1', 'true', '0', 'false']).optional() });
const askBody = strictObject({ flags: z.array(z.string()).optional(), context: z.record(z.string(), z.unknown()).optional() });

function manifestView(ctx: ServerContext, definition: FlagDefinition): WorkertownFlag {
  return definitionToWorkertown(definition, ctx.engine.valuesOf(definition.key), ctx.info.startedAt, ctx.info.startedAt, true);
}

function storedView(ctx: ServerContext, s: StoredFlag): WorkertownFlag {
  return definitionToWorkertown(s.definition, ctx.engine.valuesOf(s.definition.key), s.createdAt, s.updatedAt);
}

/**
 * The stored flag a /v1 write would replace or delete, refused (409) when /v1 cannot express it:
 * the write would silently drop variants, environments, values… The version read is returned so
 * the write is conditional on it (a concurrent native change makes it a 409 too, never a loss).
 */
async function writableCurrent(ctx: ServerContext, name: string, action: 'replace' | 'delete'): Promise<StoredFlag | undefined> {
  if (isBaseKey(ctx, name)) throw new HttpError('READ_ONLY', readOnlyMessage(ctx, name, action === 'replace' ? 'changed' : 'deleted'));
  const current = await ctx.store.getFlag(name);
  if (!current) return undefined;
  const reason = inexpressibleReason(current.definition, ctx.engine.valuesOf(name));
  if (reason !== undefined) {
    const verb = action === 'replace' ? 'PUT' : 'DELETE';
    throw new HttpError(
      'NOT_EXPRESSIBLE',
      `flag "${name}" cannot be ${action === 'replace' ? 'replaced' : 'deleted'} through /v1 without losing what /v1 cannot express (${reason}); use ${verb} ${nativeHref(name)}`,
    );
  }
  return current;
}

/** `/v1/flags`, `/v1/ask`, `/v1/admin/*` with Workertown's shapes and status codes. */
export function workertownRoutes(ctx: ServerContext): Router {
  return routeGroups(ctx, TAG, flagReadRoutes, flagWriteRoutes, askRoute, adminRoutes);
}

/** `GET /v1/flags` and `GET /v1/flags/:name`. */
function flagReadRoutes(ctx: ServerContext, route: AddRoute): void {
  const { store, engine } = ctx;
  route(
    {
      operationId: 'workertownListFlags',
      method: 'get',
      path: '/v1/flags',
      summary: 'List flags in the Workertown shape (disabled ones only with include_disabled=1|true)',
      description:
        'Every flag is listed: stored flags and manifest flags (`readOnly`, with their `source`). A flag /v1 cannot express in full (other types, environments, variants, maintained values…) is listed with `expressible: false`, the `reason`, and its `native` endpoint, without `conditions`.',
      role: 'read',
      query: listQuery,
      responses: { 200: { description: 'The flags, by name', schema: envelopeOf(z.array(workertownFlagSchema)) } },
    },
    async (_req, res) => {
      const { include_disabled } = queryOf<z.infer<typeof listQuery>>(res);
      const includeDisabled = include_disabled === '1' || include_disabled === 'true';
      const stored = await store.listFlags({ includeDisabled });
      const flags: WorkertownFlag[] = [];
      for (const definition of engine.definitions()) {
        if (!isBaseKey(ctx, definition.key) || (!includeDisabled && definition.enabled === false)) continue;
        flags.push(manifestView(ctx, definition));
      }
      // A manifest flag wins over a stored one of the same key, as in evaluation.
      for (const s of stored) if (!isBaseKey(ctx, s.definition.key)) flags.push(storedView(ctx, s));
      flags.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      envelope(res, flags);
    },
  );

  route(
    {
      operationId: 'workertownGetFlag',
      method: 'get',
      path: '/v1/flags/:name',
      summary: 'Get one flag (manifest flags too, marked readOnly; flags /v1 cannot express, marked expressible: false)',
      role: 'read',
      responses: { 200: { description: 'The flag', schema: envelopeOf(workertownFlagSchema) }, 404: 'No such flag' },
    },
    async (req, res) => {
      const name = String(req.params.name);
      const base = baseDefinition(ctx, name);
      if (base) return void envelope(res, manifestView(ctx, base));
      const stored = await store.getFlag(name);
      if (!stored) throw new HttpError('NOT_FOUND', `flag "${name}" not found`);
      envelope(res, storedView(ctx, stored));
    },
  );

}

/** `PUT` and `DELETE /v1/flags/:name`, conditional on the version read. */
function flagWriteRoutes(ctx: ServerContext, route: AddRoute): void {
  const { store } = ctx;
  route(
    {
      operationId: 'workertownUpsertFlag',
      method: 'put',
      path: '/v1/flags/:name',
      summary: 'Create or replace a flag (enabled defaults to true; conditions are ANDed)',
      description:
        'Refused with 409 for a manifest flag (the message names the file) and for a stored flag /v1 cannot express in full (the message names the native endpoint): replacing it would drop what /v1 cannot show.',
      role: 'write',
      body: workertownFlagInputSchema,
      responses: {
        200: { description: 'The stored flag', schema: envelopeOf(workertownFlagSchema) },
        409: 'The flag is defined by a manifest, cannot be expressed by /v1, or changed meanwhile',
        422: 'Invalid body (unknown keys, wrong types, conditions that can never match)',
      },
    },
    async (req, res) => {
      const name = String(req.params.name);
      const keyProblem = flagKeyProblem(name);
      if (keyProblem) throw new HttpError('VALIDATION', keyProblem.startsWith('flag key') ? keyProblem : `name "${name}" ${keyProblem}`);
      const definition = workertownToDefinition(name, bodyOf<WorkertownFlagInput>(res));
      const issues = workertownIssues(definition);
      if (issues.length) throw new HttpError('VALIDATION', issues.map((i) => `body.${formatPath(i.path)}: ${i.message}`).join('; '), issues);
      const current = await writableCurrent(ctx, name, 'replace');
      const stored = await writeAndSync(ctx, [name], () =>
        store.upsertFlag(definition, { actor: principalOf(res, ctx.auth)?.id, expectedVersion: current?.version ?? 0 }),
      );
      envelope(res, storedView(ctx, stored));
    },
  );

  route(
    {
      operationId: 'workertownDeleteFlag',
      method: 'delete',
      path: '/v1/flags/:name',
      summary: 'Delete a flag',
      description: 'Refused with 409 for a manifest flag and for a flag /v1 cannot express in full (delete it through the native endpoint).',
      role: 'write',
      responses: { 200: { description: '`data: {name}`', schema: envelopeOf(z.object({ name: z.string() })) }, 404: 'No such flag', 409: 'A manifest flag, a flag /v1 cannot express, or changed meanwhile' },
    },
    async (req, res) => {
      const name = String(req.params.name);
      const current = await writableCurrent(ctx, name, 'delete');
      if (!current) throw new HttpError('NOT_FOUND', `flag "${name}" not found`);
      const deleted = await writeAndSync(ctx, [name], () => store.deleteFlag(name, { actor: principalOf(res, ctx.auth)?.id, expectedVersion: current.version }), (d) => d);
      if (!deleted) throw new HttpError('NOT_FOUND', `flag "${name}" not found`);
      envelope(res, { name });
    },
  );

}

/** `POST /v1/ask`: the enabled boolean flags for a context. */
function askRoute(ctx: ServerContext, route: AddRoute): void {
  const { engine } = ctx;
  route(
    {
      operationId: 'workertownAsk',
      method: 'post',
      path: '/v1/ask',
      summary: 'Names of the flags that are enabled (evaluate to true) for a context',
      description: 'Every boolean flag counts, from manifests and the store; `flags` limits the check to those names.',
      role: 'read',
      body: askBody,
      responses: { 200: { description: 'Enabled flag names', schema: envelopeOf(z.array(z.string())) }, 422: 'Invalid body' },
    },
    (_req, res) => {
      const { flags, context } = bodyOf<z.infer<typeof askBody>>(res);
      const ctxValue = (context ?? {}) as EvaluationContext;
      const enabled: string[] = [];
      if (flags) {
        for (const name of flags) {
          const r = engine.evaluate(name, ctxValue);
          ctx.metrics.evaluation(r);
          if (r.value === true && r.errorCode === undefined) enabled.push(name);
        }
      } else {
        const results = engine.evaluateAll(ctxValue);
        ctx.metrics.evaluationBatch(results);
        for (const r of results) if (r.value === true && r.errorCode === undefined) enabled.push(r.key);
      }
      envelope(res, enabled);
    },
  );

}

/** `/v1/admin/info` and `/v1/admin/migrate`. */
function adminRoutes(ctx: ServerContext, route: AddRoute): void {
  const { store } = ctx;
  route(
    {
      operationId: 'workertownAdminInfo',
      method: 'get',
      path: '/v1/admin/info',
      summary: 'The active configuration (names of the variables that configure it; never secrets)',
      role: 'admin',
      responses: { 200: 'Configuration' },
    },
    (_req, res) => {
      envelope(res, {
        auth: {
          apiKey: { env: { apiKey: 'FLAGS_API_KEY', apiKeys: 'SWITCHYARD_API_KEYS' } },
          basic: { env: { username: 'FLAGS_USERNAME', password: 'FLAGS_PASSWORD' } },
          jwt: { env: { jwksUrl: 'FLAGS_JWKS_URL', secret: 'FLAGS_JWT_SECRET', audience: 'FLAGS_JWT_AUDIENCE', issuer: 'FLAGS_JWT_ISSUER' } },
        },
        endpoints: {
          v1: { admin: '/v1/admin', ask: '/v1/ask', flags: '/v1/flags', stream: '/v1/stream' },
          native: '/api/v1',
          cds: '/rest/feature',
          featuris: '/manifests',
          ofrep: '/ofrep/v1',
          public: '/',
        },
        env: { db: 'SWITCHYARD_STORE', manifests: 'SWITCHYARD_MANIFESTS', environment: 'SWITCHYARD_ENV' },
        switchyard: {
          version: ctx.info.version,
          store: { url: ctx.info.storeUrl, adapter: store.name, capabilities: store.capabilities },
          manifests: ctx.info.manifests ?? null,
          environment: ctx.environment ?? null,
          authEnabled: ctx.auth.enabled,
          startedAt: ctx.info.startedAt,
        },
      });
    },
  );

  route(
    {
      operationId: 'workertownAdminMigrate',
      method: 'post',
      path: '/v1/admin/migrate',
      summary: 'Apply pending store migrations',
      role: 'admin',
      responses: { 200: 'Migrations applied by this call', 500: 'A migration failed (data lists the results)' },
    },
    async (_req, res) => {
      const results = await store.migrate();
      const failed = results.find((r) => r.status === 'Error');
      if (failed) {
        res.status(500).json({ status: 500, success: false, data: results, error: failed.error ?? `migration ${failed.migrationName} failed` });
        return;
      }
      envelope(res, results);
    },
  );
}
