import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import { renderDocsPage } from '../openapi/docs-page';
import type { ServerContext } from '../server-context';
import { taggedRoutes } from './route-groups';

const TAG = 'Public';
const healthSchema = z.object({
  status: z.number(),
  success: z.boolean(),
  data: z.string(),
  checks: z.object({ store: z.object({ ok: z.boolean(), latencyMs: z.number().optional(), error: z.string().optional() }), sync: z.object({ synced: z.boolean(), lastSyncAt: z.string().optional() }) }).optional(),
});

/** `/health`, `/health/live`, `/open-api.json`, `/docs`, `/metrics`: no credentials needed. */
export function publicRoutes(ctx: ServerContext, pageHeaders: RequestHandler): Router {
  const router = Router();
  const route = taggedRoutes(ctx, router, TAG);
  const { operations, store, metrics } = ctx;
  let document: Record<string, unknown> | undefined;
  let page: string | undefined;
  const openApi = () =>
    (document ??= buildOpenApiDocument(operations.operations, {
      title: 'Switchyard',
      version: ctx.info.version,
      description: 'Feature flags over one engine: native API, Workertown /v1, cds /rest/feature, Featuris flag sets and OFREP.',
    }));

  route(
    {
      operationId: 'health',
      method: 'get',
      path: '/health',
      summary: 'Readiness: 200 when the store answers, 503 when it does not (the server then serves its last snapshot)',
      responses: { 200: { description: 'Ready', schema: healthSchema }, 503: { description: 'Store unavailable', schema: healthSchema } },
    },
    async (_req, res) => {
      const health = await store.health().catch((err: unknown) => ({ ok: false, error: err instanceof Error ? err.message : String(err) }));
      const status = ctx.sync?.status ?? { synced: true };
      const ok = health.ok;
      const code = ok ? 200 : 503;
      res.status(code).json({
        status: code,
        success: ok,
        data: ok ? 'OK' : 'STORE_UNAVAILABLE',
        checks: { store: health, sync: { synced: status.synced, ...(status.lastSyncAt ? { lastSyncAt: status.lastSyncAt } : {}) } },
      });
    },
  );

  route(
    { operationId: 'liveness', method: 'get', path: '/health/live', summary: 'Liveness: 200 while the process serves requests', responses: { 200: { description: 'Alive', schema: healthSchema } } },
    (_req, res) => {
      res.json({ status: 200, success: true, data: 'OK' });
    },
  );

  route(
    { operationId: 'openApi', method: 'get', path: '/open-api.json', summary: 'This OpenAPI 3.1 document', responses: { 200: 'OpenAPI document' } },
    (_req, res) => {
      res.json(openApi());
    },
  );

  route(
    { operationId: 'docs', method: 'get', path: '/docs', summary: 'API reference page', responses: { 200: { description: 'HTML', contentType: 'text/html' } } },
    pageHeaders,
    (_req, res) => {
      res.type('html').send((page ??= renderDocsPage(openApi())));
    },
  );

  route(
    { operationId: 'metrics', method: 'get', path: '/metrics', summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } } },
    async (_req, res) => {
      res.type(metrics.contentType).send(await metrics.text());
    },
  );

  return router;
}
