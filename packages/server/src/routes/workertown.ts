import { Router, type Response } from 'express';
import { z } from 'zod';
import { flagKeyProblem } from '@switchyard/core';
import type { EvaluationContext } from '@switchyard/core';
import { principalOf } from '../auth/require-role';
import { definitionToWorkertown, workertownFlagInputSchema, workertownFlagSchema, workertownToDefinition, type WorkertownFlag, type WorkertownFlagInput } from '../compat/workertown-flag';
import { HttpError } from '../http/http-error';
import { bodyOf, queryOf } from '../http/operations';
import { isBaseKey, writeAndSync, type ServerContext } from '../server-context';

const TAG = 'Workertown compatible (/v1)';

/** Workertown's response envelope. */
export function envelope(res: Response, data: unknown, status = 200): void {
  res.status(status).json({ status, success: status < 400, data });
}

const envelopeOf = (data: z.ZodType) => z.object({ status: z.number(), success: z.boolean(), data, error: z.string().optional() });
const listQuery = z.object({ include_disabled: z.enum(['1', 'true', '0', 'false']).optional() });
const askBody = z.object({ flags: z.array(z.string()).optional(), context: z.record(z.string(), z.unknown()).optional() });

/** `/v1/flags`, `/v1/ask`, `/v1/admin/*` with Workertown's shapes and status codes. */
export function workertownRoutes(ctx: ServerContext): Router {
  const router = Router();
  const { operations, auth, store, engine } = ctx;

  operations.route(
    router,
    auth,
    {
      operationId: 'workertownListFlags',
      method: 'get',
      path: '/v1/flags',
      summary: 'List Workertown-shaped flags (disabled ones only with include_disabled=1|true)',
      tag: TAG,
      role: 'read',
      query: listQuery,
      responses: { 200: { description: 'The flags', schema: envelopeOf(z.array(workertownFlagSchema)) } },
    },
    async (_req, res) => {
      const { include_disabled } = queryOf<z.infer<typeof listQuery>>(res);
      const includeDisabled = include_disabled === '1' || include_disabled === 'true';
      const stored = await store.listFlags({ includeDisabled });
      const flags: WorkertownFlag[] = [];
      for (const s of stored) {
        if (isBaseKey(ctx, s.definition.key)) continue;
        const flag = definitionToWorkertown(s.definition, s.createdAt, s.updatedAt);
        if (flag) flags.push(flag);
      }
      envelope(res, flags);
    },
  );

  operations.route(
    router,
    auth,
    {
      operationId: 'workertownGetFlag',
      method: 'get',
      path: '/v1/flags/:name',
      summary: 'Get one flag',
      tag: TAG,
      role: 'read',
      responses: { 200: { description: 'The flag', schema: envelopeOf(workertownFlagSchema) }, 404: 'No such flag' },
    },
    async (req, res) => {
      const name = String(req.params.name);
      const stored = isBaseKey(ctx, name) ? undefined : await store.getFlag(name);
      const flag = stored && definitionToWorkertown(stored.definition, stored.createdAt, stored.updatedAt);
      if (!flag) throw new HttpError('NOT_FOUND', `flag "${name}" not found`);
      envelope(res, flag);
    },
  );

  operations.route(
    router,
    auth,
    {
      operationId: 'workertownUpsertFlag',
      method: 'put',
      path: '/v1/flags/:name',
      summary: 'Create or replace a flag (enabled defaults to true; conditions are ANDed)',
      tag: TAG,
      role: 'write',
      body: workertownFlagInputSchema,
      responses: { 200: { description: 'The stored flag', schema: envelopeOf(workertownFlagSchema) }, 409: 'The name belongs to a manifest flag', 422: 'Invalid body' },
    },
    async (req, res) => {
      const name = String(req.params.name);
      const keyProblem = flagKeyProblem(name);
      if (keyProblem) throw new HttpError('VALIDATION', keyProblem.startsWith('flag key') ? keyProblem : `name "${name}" ${keyProblem}`);
      if (isBaseKey(ctx, name)) throw new HttpError('READ_ONLY', `flag "${name}" is defined by a manifest and cannot be changed through the API`);
      const definition = workertownToDefinition(name, bodyOf<WorkertownFlagInput>(res));
      const stored = await writeAndSync(ctx, [name], () => store.upsertFlag(definition, { actor: principalOf(res, ctx.auth)?.id }));
      envelope(res, definitionToWorkertown(stored.definition, stored.createdAt, stored.updatedAt));
    },
  );

  operations.route(
    router,
    auth,
    {
      operationId: 'workertownDeleteFlag',
      method: 'delete',
      path: '/v1/flags/:name',
      summary: 'Delete a flag',
      tag: TAG,
      role: 'write',
      responses: { 200: { description: '`data: {name}`', schema: envelopeOf(z.object({ name: z.string() })) }, 404: 'No such flag', 409: 'A manifest flag' },
    },
    async (req, res) => {
      const name = String(req.params.name);
      if (isBaseKey(ctx, name)) throw new HttpError('READ_ONLY', `flag "${name}" is defined by a manifest and cannot be deleted through the API`);
      const deleted = await writeAndSync(ctx, [name], () => store.deleteFlag(name, { actor: principalOf(res, ctx.auth)?.id }), (d) => d);
      if (!deleted) throw new HttpError('NOT_FOUND', `flag "${name}" not found`);
      envelope(res, { name });
    },
  );

  operations.route(
    router,
    auth,
    {
      operationId: 'workertownAsk',
      method: 'post',
      path: '/v1/ask',
      summary: 'Names of the flags that are enabled (evaluate to true) for a context',
      description: 'Every boolean flag counts, from manifests and the store; `flags` limits the check to those names.',
      tag: TAG,
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

  operations.route(
    router,
    auth,
    {
      operationId: 'workertownAdminInfo',
      method: 'get',
      path: '/v1/admin/info',
      summary: 'The active configuration (names of the variables that configure it; never secrets)',
      tag: TAG,
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
          authEnabled: auth.enabled,
          startedAt: ctx.info.startedAt,
        },
      });
    },
  );

  operations.route(
    router,
    auth,
    {
      operationId: 'workertownAdminMigrate',
      method: 'post',
      path: '/v1/admin/migrate',
      summary: 'Apply pending store migrations',
      tag: TAG,
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

  return router;
}
