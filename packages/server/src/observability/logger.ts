import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { LogLevel } from '../config/server-config';

/** Header values that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
];

/** A pino logger with secrets redacted. */
export function createLogger(level: LogLevel = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'switchyard' } };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Access log middleware: one line per request with a request id (the caller's `X-Request-Id`
 * when it is well-formed, else a new UUID, echoed back). Only method, URL, status and timing are
 * logged; headers are not, so credentials cannot leak.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: requestId,
    customLogLevel(_req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, url: req.url, remoteAddress: req.remoteAddress }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

/** The caller's well-formed `X-Request-Id`, else a new UUID; echoed back in the response. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * The lean path's line for a finished request: nothing below 400 (info is off), client errors at
 * warn and server errors at error.
 */
export function logFinishedRequest(logger: Logger, req: Request, res: Response, id: string, started: number): void {
  const status = res.statusCode;
  if (status < 400) return;
  const line = {
    req: { id, method: req.method, url: req.originalUrl ?? req.url, remoteAddress: req.socket.remoteAddress },
    res: { statusCode: status },
    responseTime: Math.round(performance.now() - started),
  };
  if (status >= 500) logger.error(line, 'request errored');
  else logger.warn(line, 'request completed');
}
