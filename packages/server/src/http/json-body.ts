import express, { type Request, type RequestHandler } from 'express';
import { jsonDepthGuard } from '../security/json-depth';
import { HttpError } from './http-error';

/** How request bodies are read: the largest accepted size and the deepest accepted nesting. */
export interface JsonBodyLimits {
  /** Bytes. */
  limit: number;
  maxDepth: number;
}

/** What an operation accepts as its request body. */
export type BodyPolicy = 'required' | 'optional' | 'none';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** True when the request carries body bytes (a declared length above zero, or a chunked body). */
export function carriesBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/** True when the request declares a JSON media type (`application/json`, `application/*+json`). */
export function declaresJson(req: Request): boolean {
  return typeof req.headers['content-type'] === 'string' && req.is(JSON_TYPES) !== false;
}

/**
 * Reads the JSON body of one operation. It runs after authentication, so an unauthenticated
 * client never makes the server read or parse a body, and it never guesses:
 *
 * - a body in any other media type is refused with 415 (it would otherwise be ignored and the
 *   request served as if it had no body); so is a state-changing POST without
 *   `Content-Type: application/json` even when it has no body: "simple" cross-site form posts are
 *   the only writes a browser sends without asking first, and they cannot carry that type. Reads
 *   sent as POST (evaluations, cds `redisRead`) may come without a body and a type, as their
 *   protocols allow;
 * - a missing body where the operation needs one is a 400;
 * - a body on an operation that takes none is a 400 (an empty object `{}` is tolerated);
 * - malformed JSON is a 400, an oversized body a 413, an over-deep one a 400.
 */
export function jsonBody(method: string, policy: BodyPolicy, limits: JsonBodyLimits, changesState: boolean): RequestHandler {
  const parse = express.json({ limit: limits.limit, type: () => true, verify: jsonDepthGuard(limits.maxDepth) });
  const guardedPost = changesState && method.toLowerCase() === 'post';
  return (req, res, next) => {
    const hasBody = carriesBody(req);
    if ((hasBody || guardedPost) && !declaresJson(req)) {
      const given = req.headers['content-type'];
      throw new HttpError(
        'UNSUPPORTED_MEDIA_TYPE',
        `send the request body as JSON with Content-Type: application/json${given ? ` (got ${given.split(';')[0]!.trim()})` : ' (no Content-Type was sent)'}`,
        undefined,
        { Accept: 'application/json' },
      );
    }
    if (!hasBody) {
      req.body = undefined;
      if (policy === 'required') throw new HttpError('BAD_REQUEST', 'this operation needs a JSON request body');
      return next();
    }
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (policy === 'none' && !isEmptyObject(req.body)) return next(new HttpError('BAD_REQUEST', 'this operation takes no request body'));
      next();
    });
  };
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
