import { createHash } from 'node:crypto';
import type { IRouter, Request } from 'express';
import { z } from 'zod';
import { strictObject, unknownKeyMessage } from '@switchyard/core';
import type { EvaluateOptions, EvaluationContext, EvaluationDetails, FlagValue } from '@switchyard/core';
import { sendJsonText } from '../http/send-json';
import type { ServerContext } from '../server-context';
import { taggedRoutes } from './route-groups';

const TAG = 'OpenFeature Remote Evaluation Protocol (OFREP)';

const evaluationRequest = strictObject({ context: z.record(z.string(), z.unknown()).optional() });
const REQUEST_KEYS = ['context'];
const metadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const success = z.object({ key: z.string(), value: z.unknown(), reason: z.string(), variant: z.string().optional(), metadata: metadataSchema.optional() });
const failure = z.object({ key: z.string(), errorCode: z.string(), errorDetails: z.string().optional() });
const bulkFailure = z.object({ errorCode: z.string(), errorDetails: z.string().optional() });

type OfrepSuccess = { key: string; value: FlagValue | undefined; reason: string; variant?: string; metadata?: EvaluationDetails['metadata'] };
type OfrepFailure = { key: string; errorCode: string; errorDetails?: string };

/** An engine result in OFREP's shape. */
export function toOfrep(r: EvaluationDetails<FlagValue | undefined>): OfrepSuccess | OfrepFailure {
  if (r.errorCode !== undefined) return { key: r.key, errorCode: r.errorCode, errorDetails: r.errorMessage ?? r.errorCode };
  const out: OfrepSuccess = { key: r.key, value: r.value, reason: r.reason };
  if (r.variant !== undefined) out.variant = r.variant;
  if (r.metadata !== undefined) out.metadata = r.metadata;
  return out;
}

/**
 * Decided evaluations return the same frozen result object every time, so their OFREP text is
 * serialized once; the cache lives as long as the compiled snapshot that owns the results.
 */
const serialized = new WeakMap<object, string>();

/** An engine result as OFREP JSON text. */
export function ofrepJson(r: EvaluationDetails<FlagValue | undefined>): string {
  if (!Object.isFrozen(r)) return JSON.stringify(toOfrep(r));
  let text = serialized.get(r);
  if (text === undefined) {
    text = JSON.stringify(toOfrep(r));
    serialized.set(r, text);
  }
  return text;
}

/** The context's `environment` attribute selects the environment; else the server default. */
function optionsFor(context: EvaluationContext): EvaluateOptions | undefined {
  const env = context.environment;
  return typeof env === 'string' && env !== '' ? { environment: env } : undefined;
}

/**
 * The request body's context; an invalid one is a message for a 400 with `INVALID_CONTEXT`. This is
 * the hot path, so the shape is checked directly rather than parsed into a copy.
 */
function contextOf(req: Request): EvaluationContext | string {
  const body: unknown = req.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return 'the request body must be a JSON object';
  // A misspelt `context` would otherwise evaluate with an empty context.
  for (const key in body) if (key !== 'context') return `${unknownKeyMessage(key, REQUEST_KEYS)} in the request body, which is {"context": {…}}`;
  const context = (body as { context?: unknown }).context;
  if (context === undefined) return {};
  if (context === null || typeof context !== 'object' || Array.isArray(context)) return 'context must be a JSON object of attributes';
  return context as EvaluationContext;
}

/**
 * `POST /ofrep/v1/evaluate/flags/:key`, bulk `POST /ofrep/v1/evaluate/flags` with ETag, and `GET
 * /ofrep/v1/configuration`, routed on `router` (the server routes them on the app itself: a nested
 * router costs every evaluation another dispatch loop).
 */
export function ofrepRoutes<R extends IRouter>(ctx: ServerContext, router: R): R {
  const route = taggedRoutes(ctx, router, TAG);
  const { engine, metrics } = ctx;

  route(
    {
      operationId: 'ofrepEvaluateFlag',
      method: 'post',
      path: '/ofrep/v1/evaluate/flags/:key',
      summary: 'Evaluate one flag',
      description: 'The context attribute `environment` selects the environment; other attributes feed conditions, splits and scoped values.',
      role: 'read',
      body: evaluationRequest,
      // OFREP's context is optional: a request without a body evaluates with an empty context.
      bodyOptional: true,
      handlerValidatesBody: true,
      responses: {
        200: { description: 'Evaluation result', schema: success },
        400: { description: 'Evaluation failed (PARSE_ERROR, TARGETING_KEY_MISSING, INVALID_CONTEXT, GENERAL)', schema: failure },
        404: { description: 'FLAG_NOT_FOUND', schema: failure },
      },
    },
    (req, res) => {
      const key = String(req.params.key);
      const context = contextOf(req);
      if (typeof context === 'string') {
        res.status(400).json({ key, errorCode: 'INVALID_CONTEXT', errorDetails: context });
        return;
      }
      const r = engine.evaluate(key, context, optionsFor(context));
      metrics.evaluation(r);
      sendJsonText(res, r.errorCode === undefined ? 200 : r.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400, ofrepJson(r));
    },
  );

  route(
    {
      operationId: 'ofrepEvaluateFlags',
      method: 'post',
      path: '/ofrep/v1/evaluate/flags',
      summary: 'Evaluate every flag (bulk)',
      role: 'read',
      body: evaluationRequest,
      // OFREP's context is optional: a request without a body evaluates with an empty context.
      bodyOptional: true,
      handlerValidatesBody: true,
      headers: [{ name: 'If-None-Match', description: 'ETag of a previous response; 304 when nothing changed' }],
      responses: {
        200: { description: 'Results of every flag; `ETag` header', schema: z.object({ flags: z.array(z.union([success, failure])) }) },
        304: 'Not modified',
        400: { description: 'Invalid context', schema: bulkFailure },
      },
    },
    (req, res) => {
      const context = contextOf(req);
      if (typeof context === 'string') {
        res.status(400).json({ errorCode: 'INVALID_CONTEXT', errorDetails: context });
        return;
      }
      const results = engine.evaluateAll(context, optionsFor(context));
      metrics.evaluationBatch(results);
      const text = JSON.stringify({ flags: results.map(toOfrep) });
      const etag = `"${createHash('sha1').update(text).digest('base64url')}"`;
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', 'no-cache');
      if (matchesEtag(req.headers['if-none-match'], etag)) {
        res.status(304).end();
        return;
      }
      res.type('application/json').send(text);
    },
  );

  route(
    {
      operationId: 'ofrepConfiguration',
      method: 'get',
      path: '/ofrep/v1/configuration',
      summary: 'Provider configuration (OFREP extension)',
      role: 'read',
      responses: { 200: 'Capabilities' },
    },
    (_req, res) => {
      res.json({
        name: 'switchyard',
        capabilities: {
          cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: 1000 } },
          flagEvaluation: { supportedTypes: ['boolean', 'string', 'int', 'float', 'object'] },
        },
      });
    },
  );

  return router;
}

/** `If-None-Match` handling: a list of (weak or strong) tags, or `*`. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  for (const raw of header.split(',')) {
    const tag = raw.trim();
    if (tag === '*' || tag === etag || tag === `W/${etag}`) return true;
  }
  return false;
}
