import { Router } from 'express';
import { z } from 'zod';
import type { ServerContext } from '../server-context';

const TAG = 'Public';

/** What `GET /` tells a JSON client: where each API lives. */
const indexSchema = z.object({
  name: z.literal('Switchyard'),
  version: z.string(),
  console: z.string().optional(),
  docs: z.string(),
  openApi: z.string(),
  health: z.string(),
  apis: z.record(z.string(), z.string()),
});

/**
 * `GET /`: a browser (which asks for HTML) is sent to the console when it is served; any other
 * client gets a small JSON index of the APIs, so the server's front door is never a bare 404.
 */
export function rootRoutes(ctx: ServerContext, options: { console: boolean }): Router {
  const router = Router();
  const index: z.infer<typeof indexSchema> = {
    name: 'Switchyard',
    version: ctx.info.version,
    ...(options.console ? { console: '/ui' } : {}),
    docs: '/docs',
    openApi: '/open-api.json',
    health: '/health',
    apis: {
      native: '/api/v1/flags',
      workertown: '/v1/flags',
      cds: '/rest/feature/state',
      ofrep: '/ofrep/v1/evaluate/flags',
      featuris: '/manifests/{flagSet}',
      stream: '/v1/stream',
      workflows: '/v1/features/run',
    },
  };
  ctx.operations.route(
    router,
    ctx.auth,
    {
      operationId: 'index',
      method: 'get',
      path: '/',
      summary: 'Front door: browsers are redirected to the console (/ui); other clients get an index of the APIs',
      tag: TAG,
      responses: { 200: { description: 'Index of the APIs', schema: indexSchema }, 302: 'Redirect to the console (HTML clients)' },
    },
    (req, res) => {
      res.vary('Accept');
      if (options.console && req.accepts(['json', 'html']) === 'html') {
        res.redirect(302, '/ui');
        return;
      }
      res.json(index);
    },
  );
  return router;
}
