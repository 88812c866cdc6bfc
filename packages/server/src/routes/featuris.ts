import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { EvaluationContext, FlagDefinition } from '@switchyard/core';
import { featurisStatus, type FeaturisToggleStatus } from '../compat/featuris-toggle';
import { HttpError } from '../http/http-error';
import type { OperationSpec } from '../http/operations';
import type { ServerContext } from '../server-context';

const TAG = 'Featuris compatible (flag sets)';

/**
 * First path segments the server routes itself. A flag set named like one (`health.yaml`,
 * `v1/flags.yaml`, `open-api.json`…) is served only at `/manifests/NAME`: at its root alias it would
 * be unreachable, or reachable only for some sub-paths, which is worse.
 */
export const RESERVED_ROOT_SEGMENTS: readonly string[] = ['api', 'v1', 'rest', 'ofrep', 'manifests', 'ui', 'health', 'docs', 'metrics', 'open-api.json'];

/** The server route a flag set's root alias would collide with, or `undefined` when `/NAME` is free. */
export function reservedRootFor(flagSet: string): string | undefined {
  const first = flagSet.split('/')[0]!;
  return RESERVED_ROOT_SEGMENTS.includes(first) ? `/${first}` : undefined;
}

/** The flag sets of `definitions` that are served only under `/manifests`, with the route each would collide with. */
export function shadowedFlagSets(definitions: readonly FlagDefinition[]): { flagSet: string; route: string }[] {
  const out = new Map<string, string>();
  for (const d of definitions) {
    if (d.flagSet === undefined || out.has(d.flagSet)) continue;
    const route = reservedRootFor(d.flagSet);
    if (route) out.set(d.flagSet, route);
  }
  return [...out].map(([flagSet, route]) => ({ flagSet, route })).sort((a, b) => (a.flagSet < b.flagSet ? -1 : 1));
}
const query = z.object({ env: z.string().min(1).optional() }).catchall(z.union([z.string(), z.array(z.string())]));

/**
 * Featuris' flag-set endpoints: `GET /manifests/:set` and the root alias `GET /:set` (register last;
 * flag sets named like a server route are served only at `/manifests/:set`).
 * With an environment (`?env=` or the server default) each feature maps to `{value, error, message,
 * toggle}`; without one, to such an object per environment. Other query parameters are the
 * evaluation context; without `targetingKey` each request draws its own unit, as Featuris did.
 */
export function featurisRoutes(ctx: ServerContext): { manifests: Router; rootAlias: Router } {
  const handler = (req: Request, res: Response) => {
    const segments = req.params.set as unknown as string[] | string;
    const set = Array.isArray(segments) ? segments.join('/') : String(segments);
    const route = res.locals.rootAlias === true ? reservedRootFor(set) : undefined;
    if (route) throw new HttpError('NOT_FOUND', `flag set "${set}" is served at /manifests/${set} only: ${route} is a server route`);
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
  const markAlias = (_req: Request, res: Response, next: () => void) => {
    res.locals.rootAlias = true;
    next();
  };
  ctx.operations.route(rootAlias, ctx.auth, spec('featurisFlagSetAlias', '/*set'), markAlias, handler);
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
