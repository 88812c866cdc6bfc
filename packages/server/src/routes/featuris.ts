import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { EvaluationContext, FlagDefinition } from '@switchyard/core';
import { featurisStatus, type FeaturisToggleStatus } from '../compat/featuris-toggle';
import { HttpError } from '../http/http-error';
import type { OperationSpec } from '../http/operations';
import type { ServerContext } from '../server-context';

const TAG = 'Featuris compatible (flag sets)';
const query = z.object({ env: z.string().min(1).optional() }).catchall(z.union([z.string(), z.array(z.string())]));

/**
 * Featuris' flag-set endpoints: `GET /manifests/:set` and the root alias `GET /:set` (register last).
 * With an environment (`?env=` or the server default) each feature maps to `{value, error, message,
 * toggle}`; without one, to such an object per environment. Other query parameters are the
 * evaluation context; without `targetingKey` each request draws its own unit, as Featuris did.
 */
export function featurisRoutes(ctx: ServerContext): { manifests: Router; rootAlias: Router } {
  const handler = (req: Request, res: Response) => {
    const segments = req.params.set as unknown as string[] | string;
    const set = Array.isArray(segments) ? segments.join('/') : String(segments);
    const q = res.locals.query as z.infer<typeof query>;
    const { env: envParam, ...attributes } = q;
    const environment = envParam ?? ctx.environment;
    const definitions = ctx.engine.definitions().filter((d) => d.flagSet === set);
    if (definitions.length === 0) throw new HttpError('NOT_FOUND', `flag set "${set}" not found`);
    const context: EvaluationContext = { ...attributes };
    if (context.targetingKey === undefined) context.targetingKey = randomUUID();
    res.json(render(ctx, definitions, context, environment));
  };
  const spec = (operationId: string, path: string): OperationSpec => ({
    operationId,
    method: 'get',
    path,
    summary: 'Evaluate a flag set (a manifest file) for one environment, or for all of them',
    description: 'Query: `env` selects the environment; any other parameter (e.g. `targetingKey`) is an evaluation context attribute.',
    tag: TAG,
    role: 'read',
    query,
    responses: { 200: 'Features by id, plus `_env`', 404: 'No such flag set' },
  });
  const manifests = Router();
  ctx.operations.route(manifests, ctx.auth, spec('featurisFlagSet', '/manifests/*set'), handler);
  const rootAlias = Router();
  ctx.operations.route(rootAlias, ctx.auth, spec('featurisFlagSetAlias', '/*set'), handler);
  return { manifests, rootAlias };
}

function render(ctx: ServerContext, definitions: FlagDefinition[], context: EvaluationContext, environment: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of definitions) {
    if (environment !== undefined) {
      const r = ctx.engine.evaluate(d.key, context, { environment });
      ctx.metrics.evaluation(r);
      out[d.key] = featurisStatus(d, r, environment);
      continue;
    }
    const perEnv: Record<string, FeaturisToggleStatus> = {};
    const envs = Object.keys(d.environments ?? {});
    for (const env of envs.length ? envs : ['default']) {
      const r = ctx.engine.evaluate(d.key, context, envs.length ? { environment: env } : undefined);
      ctx.metrics.evaluation(r);
      perEnv[env] = featurisStatus(d, r, envs.length ? env : undefined);
    }
    out[d.key] = perEnv;
  }
  out._env = environment ?? 'undefined';
  return out;
}
