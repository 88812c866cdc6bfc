import type { IRouter, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { ValidationError, formatPath } from '@switchyard/core';
import type { Authenticator } from '../auth/authenticator';
import type { AuthFailureLimiter } from '../security/auth-failure-limiter';
import { requireRole } from '../auth/require-role';
import type { Role } from '../auth/roles';
import { HttpError } from './http-error';
import { jsonBody, type BodyPolicy, type JsonBodyLimits } from './json-body';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface ResponseSpec {
  description: string;
  /** Id of a registered schema, or a schema registered under `${operationId}Response${status}`. */
  schema?: z.ZodType | string;
  contentType?: string;
}

/** One HTTP operation: how it is routed, who may call it, and the zod schemas that validate its input. */
export interface OperationSpec {
  operationId: string;
  method: Method;
  /** Express path, e.g. `/v1/flags/:name`; a `*name` segment matches several segments. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Least role needed; public when absent. */
  role?: Role;
  /** Validates `req.body`; the parsed value is `res.locals.body`. A body is then required unless `bodyOptional`. */
  body?: z.ZodType;
  /** The body may be left out (the handler sees `req.body === undefined`). */
  bodyOptional?: boolean;
  /** The handler validates `body` itself (to answer in its protocol's error shape); it is still documented. */
  handlerValidatesBody?: boolean;
  /** Validates `req.query`; the parsed value is `res.locals.query`. */
  query?: z.ZodType;
  headers?: { name: string; description: string }[];
  responses: Record<number, ResponseSpec | string>;
}

/** Every operation the server serves, kept for the OpenAPI document. */
export class OperationRegistry {
  readonly operations: OperationSpec[] = [];

  /**
   * `limiter` counts refused credentials on every protected route; `bodyLimits` bound the JSON
   * bodies operations read.
   */
  constructor(
    private readonly limiter?: AuthFailureLimiter,
    private readonly bodyLimits: JsonBodyLimits = { limit: 1024 * 1024, maxDepth: 64 },
  ) {}

  /**
   * Routes `spec` on `router`: role check, then the body is read (never before the caller is
   * authenticated), then input validation, then the handlers.
   */
  route(router: IRouter, auth: Authenticator, spec: OperationSpec, ...handlers: RequestHandler[]): void {
    this.operations.push(spec);
    const chain: RequestHandler[] = [];
    // Without credentials configured every caller is the anonymous admin (see `principalOf`): no layer to run.
    if (spec.role && auth.enabled) chain.push(requireRole(auth, spec.role, this.limiter));
    // Operations that need more than the read role change state.
    if (spec.method !== 'get') chain.push(jsonBody(spec.method, bodyPolicyOf(spec), this.bodyLimits, spec.role !== undefined && spec.role !== 'read'));
    if ((spec.body && !spec.handlerValidatesBody) || spec.query) chain.push(validator(spec));
    router[spec.method](spec.path, ...chain, ...handlers);
  }
}

function bodyPolicyOf(spec: OperationSpec): BodyPolicy {
  if (!spec.body) return 'none';
  return spec.bodyOptional ? 'optional' : 'required';
}

function validator(spec: OperationSpec): RequestHandler {
  const { query } = spec;
  const body = spec.handlerValidatesBody ? undefined : spec.body;
  return (req, res, next) => {
    if (query) res.locals.query = parseOrThrow(query, req.query, 'query');
    // An optional body that was left out is validated as `{}`; a required one never reaches here without a body.
    if (body) res.locals.body = parseOrThrow(body, req.body === undefined && spec.bodyOptional ? {} : req.body, 'body');
    next();
  };
}

/** Parses input with a schema; failures become a 422 naming every offending field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, where: 'body' | 'query'): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = flatten(parsed.error.issues, []);
  const message = issues.map((i) => `${where}${i.path.length ? (typeof i.path[0] === 'number' ? '' : '.') + formatPath(i.path) : ''}: ${i.message}`).join('; ');
  throw new HttpError('VALIDATION', message, new ValidationError(issues).issues);
}

/** The validated body of the current request. */
export function bodyOf<T>(res: Response): T {
  return res.locals.body as T;
}

/** The validated query of the current request. */
export function queryOf<T>(res: Response): T {
  return res.locals.query as T;
}

type Issue = { code?: string; path: PropertyKey[]; message: string; errors?: Issue[][] };

/**
 * How far a union branch is from the input: each issue counts, and a branch that wanted another
 * type altogether (an array where an object was sent) counts as far away, so an object with one
 * misspelt key is explained by the object branch, not by "expected array".
 */
function distance(branch: readonly Issue[]): number {
  let d = 0;
  for (const issue of branch) d += issue.code === 'invalid_type' && issue.path.length === 0 ? 100 : 1;
  return d;
}

/** Issues with plain paths; a failed union reports the branch that came closest, not just "Invalid input". */
function flatten(issues: readonly Issue[], prefix: (string | number)[]): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'invalid_union' && issue.errors?.length) {
      const closest = [...issue.errors].sort((a, b) => distance(a) - distance(b))[0]!;
      if (closest.length) {
        out.push(...flatten(closest, path));
        continue;
      }
    }
    out.push({ path, message: issue.message });
  }
  return out;
}
