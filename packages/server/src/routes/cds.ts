import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { flagValueSchema, isStoreUnavailableError, scopeMapSchema, strictObject } from '@switchyard/core';
import type { ValueUpdate } from '@switchyard/core';
import { principalOf } from '../auth/require-role';
import { cdsToggleState, type CdsToggleState } from '../compat/cds-state';
import { HttpError } from '../http/http-error';
import { bodyOf, queryOf } from '../http/operations';
import { writeValues, type ServerContext } from '../server-context';
import { taggedRoutes } from './route-groups';

const TAG = 'cds-feature-toggles compatible (/rest/feature)';

// Strict at every level: a misspelt `scpe` would otherwise write the root value for everyone, a
// misspelt `clearSubscopes` would be ignored.
const cdsUpdateEntry = strictObject({
  key: z.string().min(1),
  value: flagValueSchema.nullable(),
  scope: scopeMapSchema.optional(),
  options: strictObject({ clearSubScopes: z.boolean().optional(), remoteOnly: z.boolean().optional() }).optional(),
});
const cdsUpdateBody = z.union([cdsUpdateEntry, z.array(cdsUpdateEntry).min(1)]);
const sendCommandBody = strictObject({ command: z.array(z.string()).min(1) });
const stateSchema = z.record(z.string(), z.object({ fallbackValue: flagValueSchema.optional(), rootValue: flagValueSchema.optional(), scopedValues: z.record(z.string(), flagValueSchema).optional(), config: z.record(z.string(), z.unknown()) }));

type CdsUpdate = z.infer<typeof cdsUpdateEntry>;

/** Toggles per page when `after` is given without `limit`. */
const DEFAULT_PAGE = 100;
const pageQuery = strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  after: z.string().min(1).optional(),
});
type PageQuery = z.infer<typeof pageQuery>;
const PAGING =
  'Without `limit` or `after` every toggle is returned, as cds-feature-toggles does. With them, one page: at most `limit` toggles (default 100, at most 1,000) whose keys sort after `after`, in key order; when more follow, a `Link: <…>; rel="next"` header gives the next page.';

/**
 * One page of `keys` (sorted) as the query asks; `next` is the query of the following page. Without
 * `limit` and `after` the page is every key.
 */
function pageOf(keys: string[], query: PageQuery): { keys: string[]; next?: PageQuery } {
  if (query.limit === undefined && query.after === undefined) return { keys };
  const limit = query.limit ?? DEFAULT_PAGE;
  let start = 0;
  if (query.after !== undefined) {
    // Binary search: the first key sorting after `after` (which need not exist any more).
    let hi = keys.length;
    while (start < hi) {
      const mid = (start + hi) >> 1;
      if (keys[mid]! <= query.after) start = mid + 1;
      else hi = mid;
    }
  }
  const page = keys.slice(start, start + limit);
  return start + limit < keys.length ? { keys: page, next: { limit, after: page.at(-1)! } } : { keys: page };
}

/** Sets the RFC 8288 `Link` header to the next page of the request's path. */
function linkNext(req: Request, res: Response, next: PageQuery | undefined): void {
  if (!next) return;
  const query = new URLSearchParams({ limit: String(next.limit), after: next.after! });
  res.setHeader('Link', `<${req.baseUrl}${req.path}?${query.toString()}>; rel="next"`);
}

/** Plain comparison (code units), the order `after` pages by. */
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** cds-feature-toggles' FeatureService: state, redisRead, redisUpdate, redisSendCommand. */
export function cdsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const route = taggedRoutes(ctx, router, TAG);
  const { store, engine } = ctx;

  route(
    {
      operationId: 'cdsState',
      method: 'get',
      path: '/rest/feature/state',
      summary: 'Every configured toggle with its fallback, maintained values and configuration',
      description: PAGING,
      role: 'read',
      query: pageQuery,
      responses: { 200: { description: 'Toggles by key', schema: stateSchema } },
    },
    (req, res) => {
      const keys = engine.definitions().map((d) => d.key).sort(byCodeUnit);
      const page = pageOf(keys, queryOf<PageQuery>(res));
      const out: Record<string, CdsToggleState> = {};
      for (const key of page.keys) out[key] = cdsToggleState(engine.get(key), engine.valuesOf(key));
      linkNext(req, res, page.next);
      res.json(out);
    },
  );

  route(
    {
      operationId: 'cdsRedisRead',
      method: 'post',
      path: '/rest/feature/redisRead',
      summary: 'Maintained values as the store holds them, including keys without a definition (SOURCE NONE)',
      description: PAGING,
      role: 'read',
      query: pageQuery,
      responses: { 200: { description: 'Toggles with maintained values', schema: stateSchema } },
    },
    async (req, res) => {
      const values = await store.listValues();
      // A key whose only record is a removed seeded value maintains nothing.
      const keys = Object.keys(values)
        .filter((key) => values[key]!.rootValue !== undefined || values[key]!.scopedValues !== undefined)
        .sort(byCodeUnit);
      const page = pageOf(keys, queryOf<PageQuery>(res));
      const out: Record<string, CdsToggleState> = {};
      for (const key of page.keys) out[key] = cdsToggleState(engine.get(key), values[key]);
      linkNext(req, res, page.next);
      res.json(out);
    },
  );

  route(
    {
      operationId: 'cdsRedisUpdate',
      method: 'post',
      path: '/rest/feature/redisUpdate',
      summary: 'Maintain one value or a list of values, all or nothing; propagated to every instance',
      role: 'write',
      body: cdsUpdateBody,
      responses: { 204: 'Applied', 422: 'Invalid value; nothing was applied' },
    },
    async (_req, res) => {
      const body = bodyOf<CdsUpdate | CdsUpdate[]>(res);
      const updates: ValueUpdate[] = (Array.isArray(body) ? body : [body]).map((u) => ({
        key: u.key,
        value: u.value,
        ...(u.scope && Object.keys(u.scope).length ? { scope: u.scope } : {}),
        ...(u.options?.clearSubScopes ? { clearSubScopes: true } : {}),
        ...(u.options?.remoteOnly ? { remoteOnly: true } : {}),
      }));
      await writeValues(ctx, updates, principalOf(res, ctx.auth)?.id);
      res.status(204).end();
    },
  );

  route(
    {
      operationId: 'cdsRedisSendCommand',
      method: 'post',
      path: '/rest/feature/redisSendCommand',
      summary: "Send a raw read-only command on the store's own keys to Redis (admin only; Redis stores only)",
      description:
        "Allowed by default: PING, KEYS prefix*, SCAN cursor MATCH prefix* [COUNT n], TYPE, TTL, PTTL, EXISTS, GET, HGETALL, LRANGE, XLEN, MEMORY USAGE, each on keys under the store's prefix only. Server-wide commands (INFO, CONFIG, CLIENT, SLOWLOG, DBSIZE…), writes and keys of other prefixes answer 403. SWITCHYARD_REDIS_COMMANDS adds other read-only key commands (HGET, SMEMBERS, ZRANGE…).",
      role: 'admin',
      body: sendCommandBody,
      responses: { 200: 'The reply: text for string replies, else JSON', 400: 'The store is not Redis', 403: "The command is not on the allow-list, or reads keys outside the store's prefix" },
    },
    async (_req, res) => {
      if (!store.capabilities.sendCommand || !store.sendCommand) {
        throw new HttpError('BAD_REQUEST', `redisSendCommand needs a Redis store; this server uses the ${store.name} store`);
      }
      const { command } = bodyOf<z.infer<typeof sendCommandBody>>(res);
      const namespace = (store as { namespace?: unknown }).namespace;
      if (typeof namespace !== 'string' || namespace === '') throw new HttpError('BAD_REQUEST', `redisSendCommand needs a store with a key prefix; the ${store.name} store has none`);
      const refusal = ctx.redisCommands.refusal(command, `${namespace}:`);
      if (refusal) throw new HttpError('FORBIDDEN', refusal);
      let reply: unknown;
      try {
        reply = await store.sendCommand(command);
      } catch (err) {
        if (isStoreUnavailableError(err)) throw err;
        // Redis refused the command (unknown command, wrong arguments): the caller's mistake.
        throw new HttpError('BAD_REQUEST', `redis refused the command: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (typeof reply === 'string') res.type('text/plain').send(reply);
      else res.json(reply ?? null);
    },
  );

  return router;
}
