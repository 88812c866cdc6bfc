import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import {
  adminRoutes,
  auditQuerySchema,
  evaluateBodySchema,
  findPrerequisiteCycle,
  flagDefinitionSchema,
  flagEntrySchema,
  listFlagsQuerySchema,
  purgeFeaturesBodySchema,
  updateValuesBodySchema,
  ValidationError,
} from '@switchyard/core';
import type { AdminFlagEntry as FlagEntry, AdminOperationId, AdminRoute, EvaluationContext, FlagDefinition, StoredFlag, ValueUpdate } from '@switchyard/core';
import { principalOf } from '../auth/require-role';
import { HttpError } from '../http/http-error';
import { bodyOf, parseOrThrow, queryOf } from '../http/operations';
import { customValidationIssues } from '../compat/custom-validations';
import { baseDefinition, isBaseKey, readOnlyMessage, writeAndSync, writeValues, type ServerContext } from '../server-context';
import { routeGroups, type AddRoute } from './route-groups';

const TAG = 'Switchyard native API (/api/v1)';

const ifMatch = { name: 'If-Match', description: 'Version last read; `0` = create only. A stale version is refused with 409.' };

/** `If-Match: <version>` as a number, or `undefined`; anything else is a 400. */
function expectedVersion(req: Request): number | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined || raw === '') return undefined;
  const text = raw.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  if (!/^\d+$/.test(text)) throw new HttpError('BAD_REQUEST', `If-Match must be a flag version (a whole number), got "${raw}"`);
  return Number(text);
}

/** Who writes and, from `If-Match`, which version the write expects. */
function writeOptions(ctx: ServerContext, req: Request, res: Response): { actor: string | undefined; expectedVersion?: number } {
  const version = expectedVersion(req);
  return { actor: principalOf(res, ctx.auth)?.id, ...(version !== undefined ? { expectedVersion: version } : {}) };
}

function manifestEntry(ctx: ServerContext, definition: FlagDefinition): FlagEntry {
  return { definition, version: 0, createdAt: ctx.info.startedAt, updatedAt: ctx.info.startedAt, source: 'manifest', readOnly: true };
}

function storedEntry(s: StoredFlag): FlagEntry {
  return { ...s, source: 'store', readOnly: false };
}

/**
 * The definition a PUT body describes, validated against the schema, custom validators and the
 * other flags' prerequisites; refused precisely otherwise.
 */
function definitionFromBody(ctx: ServerContext, key: string, input: unknown): FlagDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new HttpError('VALIDATION', 'body: expected a flag definition object');
  const given = (input as { key?: unknown }).key;
  // A key that is not text is shown as JSON, not as "[object Object]".
  if (given !== undefined && given !== key) throw new HttpError('VALIDATION', `body.key "${typeof given === 'string' ? given : JSON.stringify(given)}" does not match the key in the path "${key}"`, [{ path: ['key'], message: 'does not match the path' }]);
  // `source` says where a definition lives; the server sets it. A definition read from this API
  // carries `{kind: 'store'}` and may be sent back as it is; any other source would be ignored, so it is refused.
  const { source, ...rest } = input as Record<string, unknown>;
  if (source !== undefined && !(typeof source === 'object' && source !== null && Object.keys(source).length === 1 && (source as { kind?: unknown }).kind === 'store')) {
    throw new HttpError('VALIDATION', 'body.source: set by the server ({"kind": "store"} for flags written through the API); leave it out', [{ path: ['source'], message: 'set by the server' }]);
  }
  const definition = parseOrThrow(flagDefinitionSchema, { ...rest, key }, 'body');
  if (isBaseKey(ctx, key)) throw new HttpError('READ_ONLY', readOnlyMessage(ctx, key, 'changed'));
  const custom = customValidationIssues(definition, ctx.engine.valueValidators);
  if (custom.length) throw new ValidationError(custom);
  const others = ctx.engine.definitions().filter((d) => d.key !== key);
  const cycle = findPrerequisiteCycle([...others, definition]);
  if (cycle) throw new ValidationError([{ path: ['prerequisites'], message: `prerequisite cycle: ${cycle.join(' → ')}` }]);
  return definition;
}

/** The operation id, method and path of a native operation, from the table the admin client shares. */
function adminOperation(operationId: AdminOperationId): { operationId: AdminOperationId } & AdminRoute {
  return { operationId, ...adminRoutes[operationId] };
}

/** Switchyard's own API, shared with the CLI (`--server URL`). */
export function nativeRoutes(ctx: ServerContext): Router {
  return routeGroups(ctx, TAG, flagRoutes, valueRoutes, evaluationAndAuditRoutes, featureRoutes, whoamiRoute);
}

/** Flag definitions: list, read, create or replace, delete. */
function flagRoutes(ctx: ServerContext, route: AddRoute): void {
  const { store, engine } = ctx;
  route(
    {
      ...adminOperation('listFlags'),
      summary: 'Every flag: manifest flags (read-only, version 0) and stored ones',
      description: 'Disabled flags are listed only with `includeDisabled=true`.',
      role: 'read',
      query: listFlagsQuerySchema,
      responses: { 200: { description: 'Flags', schema: z.object({ flags: z.array(flagEntrySchema) }) } },
    },
    async (_req, res) => {
      const q = queryOf<z.infer<typeof listFlagsQuerySchema>>(res);
      const includeDisabled = q.includeDisabled === 'true' || q.includeDisabled === '1';
      const stored = await store.listFlags({ includeDisabled, ...(q.flagSet !== undefined ? { flagSet: q.flagSet } : {}) });
      const flags: FlagEntry[] = [];
      for (const definition of engine.definitions()) {
        if (!isBaseKey(ctx, definition.key)) continue;
        if (!includeDisabled && definition.enabled === false) continue;
        if (q.flagSet !== undefined && definition.flagSet !== q.flagSet) continue;
        flags.push(manifestEntry(ctx, definition));
      }
      for (const s of stored) if (!isBaseKey(ctx, s.definition.key)) flags.push(storedEntry(s));
      flags.sort((a, b) => (a.definition.key < b.definition.key ? -1 : a.definition.key > b.definition.key ? 1 : 0));
      res.json({ flags });
    },
  );

  route(
    {
      ...adminOperation('getFlag'),
      summary: 'One flag',
      role: 'read',
      responses: { 200: { description: 'The flag', schema: flagEntrySchema }, 404: 'No such flag' },
    },
    async (req, res) => {
      const key = String(req.params.key);
      const base = baseDefinition(ctx, key);
      if (base) return void res.json(manifestEntry(ctx, base));
      const stored = await store.getFlag(key);
      if (!stored) throw new HttpError('NOT_FOUND', `flag "${key}" not found`);
      res.json(storedEntry(stored));
    },
  );

  route(
    {
      ...adminOperation('putFlag'),
      summary: 'Create or replace a flag definition',
      description: 'The key in the body must equal the path key or be absent.',
      role: 'write',
      body: flagDefinitionSchema,
      handlerValidatesBody: true,
      headers: [ifMatch],
      responses: {
        200: { description: 'The stored flag', schema: z.object({ flag: flagEntrySchema }) },
        409: 'CONFLICT (stale If-Match) or READ_ONLY (a manifest flag)',
        422: 'VALIDATION',
      },
    },
    async (req, res) => {
      const key = String(req.params.key);
      const definition = definitionFromBody(ctx, key, req.body);
      const options = writeOptions(ctx, req, res);
      const stored = await writeAndSync(ctx, [key], () => store.upsertFlag(definition, options));
      res.json({ flag: storedEntry(stored) });
    },
  );

  route(
    {
      ...adminOperation('deleteFlag'),
      summary: 'Delete a flag and its maintained values',
      role: 'write',
      headers: [ifMatch],
      responses: { 200: { description: 'Deleted', schema: z.object({ deleted: z.literal(true) }) }, 404: 'No such flag', 409: 'CONFLICT or READ_ONLY' },
    },
    async (req, res) => {
      const key = String(req.params.key);
      if (isBaseKey(ctx, key)) throw new HttpError('READ_ONLY', readOnlyMessage(ctx, key, 'deleted'));
      const options = writeOptions(ctx, req, res);
      const deleted = await writeAndSync(ctx, [key], () => store.deleteFlag(key, options), (d) => d);
      if (!deleted) throw new HttpError('NOT_FOUND', `flag "${key}" not found`);
      res.json({ deleted: true });
    },
  );

}

/** Maintained values: list, and apply updates atomically. */
function valueRoutes(ctx: ServerContext, route: AddRoute): void {
  const { store } = ctx;
  route(
    {
      ...adminOperation('listValues'),
      summary: 'Maintained values in the store, by key (including keys without a definition)',
      role: 'read',
      responses: { 200: 'Values by key' },
    },
    async (_req, res) => {
      res.json({ values: await store.listValues() });
    },
  );

  route(
    {
      ...adminOperation('updateValues'),
      summary: 'Apply value updates atomically (all or nothing)',
      role: 'write',
      body: updateValuesBodySchema,
      responses: { 204: 'Applied', 409: 'CONFLICT (expectedVersion)', 422: 'VALIDATION, listing every problem; nothing applied' },
    },
    async (_req, res) => {
      const { updates } = bodyOf<{ updates: ValueUpdate[] }>(res);
      await writeValues(ctx, updates, principalOf(res, ctx.auth)?.id);
      res.status(204).end();
    },
  );

}

/** Evaluation for a context, and the audit trail of applied changes. */
function evaluationAndAuditRoutes(ctx: ServerContext, route: AddRoute): void {
  const { store, engine } = ctx;
  route(
    {
      ...adminOperation('evaluate'),
      summary: 'Evaluate flags for a context (all flags unless `flags` lists some)',
      role: 'read',
      body: evaluateBodySchema,
      responses: { 200: 'Evaluation details, one per flag' },
    },
    (_req, res) => {
      const { context, environment, flags } = bodyOf<z.infer<typeof evaluateBodySchema>>(res);
      const c = (context ?? {}) as EvaluationContext;
      const options = environment !== undefined ? { environment } : undefined;
      const results = flags ? flags.map((k) => engine.evaluate(k, c, options)) : engine.evaluateAll(c, options);
      ctx.metrics.evaluationBatch(results);
      res.json({ results });
    },
  );

  route(
    {
      ...adminOperation('listAudit'),
      summary: 'Applied changes, newest first',
      role: 'read',
      query: auditQuerySchema,
      responses: { 200: 'Audit entries' },
    },
    async (_req, res) => {
      const q = queryOf<z.infer<typeof auditQuerySchema>>(res);
      res.json({ entries: await store.listAudit(q) });
    },
  );

}

/** Stored results of code-defined features: list and purge. */
function featureRoutes(ctx: ServerContext, route: AddRoute): void {
  const { store } = ctx;
  route(
    {
      ...adminOperation('listFeatures'),
      summary: 'Code-defined features with stored per-scope results',
      role: 'admin',
      responses: { 200: 'Feature names' },
    },
    async (_req, res) => {
      res.json({ features: await store.listFeatures() });
    },
  );

  route(
    {
      ...adminOperation('purgeFeatures'),
      summary: 'Remove stored results of code-defined features (all, the listed ones, or all but `except`)',
      role: 'admin',
      body: purgeFeaturesBodySchema,
      responses: { 200: 'How many results were removed' },
    },
    async (_req, res) => {
      const { features, except } = bodyOf<z.infer<typeof purgeFeaturesBodySchema>>(res);
      if (!features && !except) return void res.json({ purged: await store.purgeFeatures() });
      const excluded = new Set(except ?? []);
      const targets = (features ?? (await store.listFeatures())).filter((f) => !excluded.has(f));
      res.json({ purged: targets.length ? await store.purgeFeatures(targets) : 0 });
    },
  );

}

/** The caller's identity and role. */
function whoamiRoute(ctx: ServerContext, route: AddRoute): void {
  route(
    {
      ...adminOperation('whoami'),
      summary: 'Who the credentials are and what role they carry',
      description: 'Lets clients (the console) adapt to the role: `read` sees no edit controls.',
      role: 'read',
      responses: { 200: '`{ id, role, via }`' },
    },
    (_req, res) => {
      const principal = principalOf(res, ctx.auth)!;
      res.json({ id: principal.id, role: principal.role, via: principal.via });
    },
  );
}
