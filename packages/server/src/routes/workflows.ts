import { Router } from 'express';
import { z } from 'zod';
import { strictObject } from '@switchyard/core';
import { RunAbortedError, type WorkflowRunner } from '@switchyard/workflow';
import { HttpError } from '../http/http-error';
import { bodyOf, queryOf } from '../http/operations';
import type { ServerContext } from '../server-context';
import { taggedRoutes } from './route-groups';

const TAG = 'Workflow features (Ductape)';

/**
 * The seed's `IFeatureProcessorInput`, strict: a misspelt `sesion` or `cache_tag` would otherwise run
 * the feature without a session or cache. The runner checks `input` against the feature's own schema.
 */
const runBody = strictObject({
  env: z.string().min(1),
  product: z.string().min(1),
  feature_tag: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache: z.string().min(1).optional(),
  session: strictObject({ tag: z.string().min(1), token: z.string().min(1) }).optional(),
});

/** Filters for the recent-runs list; `limit` is capped at the runner's default buffer size. */
const runsQuery = strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  product: z.string().min(1).optional(),
  feature_tag: z.string().min(1).optional(),
});

/** Runner errors that carry a stable code, rendered as the native API's errors. */
function toHttp(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'FEATURE_NOT_FOUND') return new HttpError('NOT_FOUND', message);
  if (code === 'SESSION_INVALID') return new HttpError('UNAUTHORIZED', message);
  return err;
}

/** `POST /v1/features/run` and run records, over the workflow runner when one is configured. */
export function workflowRoutes(ctx: ServerContext, runner: WorkflowRunner | undefined): Router {
  const router = Router();
  const route = taggedRoutes(ctx, router, TAG);
  const needRunner = (): WorkflowRunner => {
    if (!runner) throw new HttpError('NOT_FOUND', 'no workflows are configured: start the server with --workflows DIR (or SWITCHYARD_WORKFLOWS)');
    return runner;
  };

  route(
    {
      operationId: 'runFeature',
      method: 'post',
      path: '/v1/features/run',
      summary: 'Run a workflow feature',
      description:
        'Runs `feature_tag` of `product` in `env` with `input` (and an optional JWT `session` and `cache` tag). A run whose steps fail answers 200 with `status: "failed"` and the failing step (with a stable `code`, e.g. `TIMEOUT`, `DEADLINE_EXCEEDED`, `ORIGIN_REFUSED`, `FLAG_NOT_FOUND`). A client that disconnects before the answer cancels the run: running steps are aborted and the run is recorded with `status: "cancelled"`.',
      role: 'write',
      body: runBody,
      responses: { 200: 'The run result: status, output and per-step reports', 401: 'Invalid session token', 404: 'Unknown feature, or no workflows configured', 422: 'Invalid request or input (every bad field named)' },
    },
    async (_req, res) => {
      const r = needRunner();
      // A client that disconnects before the answer cancels the run: its steps are aborted (HTTP
      // requests, SQL statements, …) and the run is recorded as cancelled.
      const caller = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) caller.abort(new RunAbortedError('the client disconnected'));
      };
      res.once('close', onClose);
      try {
        const result = await r.run(bodyOf<z.infer<typeof runBody>>(res), { signal: caller.signal });
        if (!caller.signal.aborted) res.json(result);
      } catch (err) {
        throw toHttp(err);
      } finally {
        res.off('close', onClose);
      }
    },
  );

  route(
    {
      operationId: 'listFeatureRuns',
      method: 'get',
      path: '/v1/features/runs',
      summary: 'Recent workflow runs, newest first',
      description: 'Runs made by this server process (held in memory, not shared between replicas), with per-step status; input and output are left out and secrets are redacted. `{ runs: [] }` when no workflows are configured. Needs the write role: runs concern personal data that read keys (SDKs, dashboards) must not see.',
      role: 'write',
      query: runsQuery,
      responses: { 200: 'Recent run summaries: `{ runs }`' },
    },
    (_req, res) => {
      const q = queryOf<z.infer<typeof runsQuery>>(res);
      const runs = runner ? runner.listRuns({ limit: q.limit, ...(q.product ? { product: q.product } : {}), ...(q.feature_tag ? { featureTag: q.feature_tag } : {}) }) : [];
      res.json({ runs });
    },
  );

  route(
    {
      operationId: 'getFeatureRun',
      method: 'get',
      path: '/v1/features/runs/:id',
      summary: 'A recorded workflow run',
      description: 'With input and output, which can hold personal data: needs the write role, as running a workflow does.',
      role: 'write',
      responses: { 200: 'The run record', 404: 'No such run (records expire)' },
    },
    async (req, res) => {
      const id = String(req.params.id);
      const record = await needRunner().getRun(id);
      if (!record) throw new HttpError('NOT_FOUND', `no run "${id}"`);
      res.json(record);
    },
  );
  return router;
}
