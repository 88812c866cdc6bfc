import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errorCodeOf, type Engine, type EvaluationContext } from '@switchyard/core';
import { scopeIdOf, type Features, type ScopeIdentifier } from '@switchyard/features';
import { RequestFeatures } from './request-features';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `featuresMiddleware()`: the features of this request's scope. */
      features?: RequestFeatures;
    }
  }
}

export interface FeaturesMiddlewareOptions<S = unknown> {
  /** Code-defined features; each request gets its own memo (`features.request()`). */
  features?: Features<any, any>;
  /** Manifest/store flags, evaluated with the request's context. */
  engine?: Engine;
  /** The request's scope (the user, the tenant, a scope map …). `null`/`undefined`: the null scope. */
  scope?: (req: Request) => S | null | undefined | Promise<S | null | undefined>;
  /** The evaluation context flags see. Default: `targetingKey` = the scope's identifier, plus the scope's own string, number and boolean properties. */
  context?: (req: Request, scope: S | null) => EvaluationContext;
  /** Identifier of scopes without `toFeatureIdentifier()`, for the default context (use the same one as `createFeatures`). */
  identify?: ScopeIdentifier;
}

/**
 * Puts `req.features` (the features of the request's scope) on every request. An error of the
 * `scope`, `context` or `identify` callback, thrown or rejected, goes to express's error handler.
 */
export function featuresMiddleware<S = unknown>(options: FeaturesMiddlewareOptions<S>): RequestHandler {
  if (!options.features && !options.engine) throw new TypeError('featuresMiddleware() needs features, an engine, or both');
  const scopeOf = options.scope;
  const contextOf = options.context ?? ((_req: Request, scope: S | null) => defaultContext(scope, options.identify));
  return (req: Request, _res: Response, next: NextFunction) => {
    // Only the callbacks are guarded: next() runs outside, so an error downstream is never reported twice.
    const attach = (raw: S | null | undefined): boolean => {
      try {
        const scope = raw ?? null;
        req.features = new RequestFeatures(scope, contextOf(req, scope), options.features?.request(), options.engine);
        return true;
      } catch (err) {
        next(err);
        return false;
      }
    };
    let scope: S | null | undefined | Promise<S | null | undefined>;
    try {
      scope = scopeOf ? scopeOf(req) : null;
    } catch (err) {
      next(err);
      return;
    }
    if (isPromise(scope)) scope.then((raw) => attach(raw) && next(), next);
    else if (attach(scope)) next();
  };
}

export interface RequireFeatureOptions {
  /** Status answered when the feature is inactive. Default 404. */
  status?: number;
  /** Answers instead of the status (redirect, render, …); may be async. What it throws or rejects with goes to express's error handler. */
  onInactive?: (req: Request, res: Response, next: NextFunction) => unknown;
}

/**
 * Lets the request through only when `name` (a code feature or flag) is active for its scope.
 * Errors — an unknown name, a missing scope (`InvalidScopeError`, status 400), a store that is
 * down, or whatever `onInactive` throws or rejects with — go to express's error handler; none
 * escapes as an unhandled rejection.
 */
export function requireFeature(name: string, options: RequireFeatureOptions = {}): RequestHandler {
  const status = options.status ?? 404;
  const onInactive = options.onInactive;
  return (req: Request, res: Response, next: NextFunction) => {
    const features = req.features;
    if (!features) {
      next(new Error(`requireFeature("${name}") needs featuresMiddleware() to run before it`));
      return;
    }
    let active: Promise<boolean>;
    try {
      active = features.isActive(name);
    } catch (err) {
      next(err);
      return;
    }
    active.then((on) => {
      if (on) next();
      else if (onInactive) {
        // Sync throws and async rejections of the handler alike.
        new Promise((resolve) => resolve(onInactive(req, res, next))).catch(next);
      } else res.sendStatus(status);
    }, next);
  };
}

/** `targetingKey` from the scope's identifier (when it has one), plus its own primitive properties as attributes. */
export function defaultContext(scope: unknown, identify?: ScopeIdentifier): EvaluationContext {
  if (scope === null || scope === undefined) return {};
  const context: EvaluationContext = {};
  if (typeof scope === 'object') {
    for (const [k, v] of Object.entries(scope)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') context[k] = v;
    }
  }
  try {
    context.targetingKey = scopeIdOf(scope, identify);
  } catch (err) {
    // A scope map without an identifier still feeds attributes (user, tenant) to flag rules;
    // code features report the problem when they are looked up.
    // Matched by code: the features package may be loaded in its other module format.
    if (errorCodeOf(err) !== 'INVALID_SCOPE') throw err;
  }
  return context;
}

function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof value === 'object' && value !== null && typeof (value as Promise<T>).then === 'function';
}
