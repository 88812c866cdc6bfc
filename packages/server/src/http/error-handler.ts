import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from 'pino';
import { toHttpError, type HttpError } from './http-error';

/** How each API surface shapes its errors. */
export type ErrorStyle = 'native' | 'workertown' | 'cds' | 'ofrep';

/** The surface a path belongs to; compatibility surfaces keep their own error bodies. */
export function errorStyleFor(path: string): ErrorStyle {
  if (path.startsWith('/ofrep/')) return 'ofrep';
  if (path.startsWith('/rest/feature')) return 'cds';
  // Workflow runs (`/v1/features/…`) are Switchyard's own: native errors with every issue listed.
  if (path.startsWith('/v1/') && !path.startsWith('/v1/stream') && !path.startsWith('/v1/features/')) return 'workertown';
  return 'native';
}

/**
 * Writes `error` in the shape of the surface `req` addressed. A request whose body was never read
 * (refused before it: unauthenticated, wrong media type, wrong host…) is answered with
 * `Connection: close`, so the server neither reads nor waits for the rest of that body: a client
 * announcing a large body and sending it slowly cannot hold the socket.
 */
export function sendError(req: Request, res: Response, error: HttpError): void {
  if (error.headers) res.set(error.headers);
  if (bodyPending(req)) res.set('Connection', 'close');
  res.status(error.status);
  switch (errorStyleFor(pathOf(req))) {
    case 'workertown':
      res.json({ status: error.status, success: false, data: null, error: error.message });
      return;
    case 'cds':
      res.json({ error: { message: error.message, code: String(error.status), '@Common.numericSeverity': 4 } });
      return;
    case 'ofrep':
      res.json({ errorCode: ofrepCode(error), errorDetails: error.message });
      return;
    default:
      res.json({ error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } });
  }
}

function ofrepCode(error: HttpError): string {
  if (error.code === 'VALIDATION' || error.code === 'BAD_REQUEST') return 'PARSE_ERROR';
  if (error.code === 'NOT_FOUND') return 'FLAG_NOT_FOUND';
  return 'GENERAL';
}

/** The last middleware: typed errors keep their status; anything unexpected is logged and becomes a 500 without details. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const error = toHttpError(err);
    if (error.status >= 500) {
      const log = (req as { log?: Logger }).log ?? logger;
      log.error({ err }, 'request failed');
    }
    sendError(req, res, error);
  };
}

/** True when the request announced a body that nothing has consumed (an unread body leaves `req.body` unset and the stream unfinished). */
function bodyPending(req: Request): boolean {
  if (req.readableEnded || req.body !== undefined) return false;
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/** The request path without the query, independent of where a middleware is mounted. */
function pathOf(req: Request): string {
  const url = req.originalUrl ?? req.url;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
