import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { LogLevel } from '../config/server-config';
import { redactQueryCredentials } from '../security/query-credentials';

/** Header values that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers["x-api-key"]',
  'headers.cookie',
];

export interface LoggerOptions {
  /**
   * Secrets (API keys, passwords, JWT secrets) to mask wherever they would appear in a line: the
   * last line of defence behind the structural redaction of headers and URLs.
   */
  secrets?: readonly string[];
}

/**
 * A pino logger with secrets redacted: credential headers by path, credential query parameters in
 * logged URLs (see `requestLogger`), and any of `options.secrets` anywhere in a line.
 */
export function createLogger(level: LogLevel = 'info', destination?: NodeJS.WritableStream, options: LoggerOptions = {}): Logger {
  const mask = secretMask(options.secrets ?? []);
  const config = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'switchyard' },
    ...(mask ? { hooks: { streamWrite: mask } } : {}),
  };
  return destination ? pino(config, destination as pino.DestinationStream) : pino(config);
}

/** Replaces every occurrence of the secrets (and their JSON-escaped forms) in a serialized line. */
function secretMask(secrets: readonly string[]): ((line: string) => string) | undefined {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < 4) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  if (forms.size === 0) return undefined;
  const list = [...forms].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  };
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
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, url: redactQueryCredentials(req.url), remoteAddress: req.remoteAddress }),
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
    req: { id, method: req.method, url: redactQueryCredentials(req.originalUrl ?? req.url), remoteAddress: req.socket.remoteAddress },
    res: { statusCode: status },
    responseTime: Math.round(performance.now() - started),
  };
  if (status >= 500) logger.error(line, 'request errored');
  else logger.warn(line, 'request completed');
}
