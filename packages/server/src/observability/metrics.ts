import type { Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EvaluationDetails, FlagValue } from '@switchyard/core';

/** Prometheus metrics of one server: HTTP requests and latencies, evaluations by flag and reason. */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;
  private readonly evaluations: Counter<'flag' | 'reason'>;
  /** Counter children by flag, then reason: two lookups, no key string built per evaluation. */
  private readonly evaluationChildren = new Map<string, Map<string, { inc(): void }>>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
    this.requests = new Counter({ name: 'switchyard_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    this.latency = new Histogram({
      name: 'switchyard_http_request_duration_seconds',
      help: 'HTTP request latency by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.evaluations = new Counter({ name: 'switchyard_evaluations_total', help: 'Flag evaluations by flag and reason', labelNames: ['flag', 'reason'], registers: [this.registry] });
  }

  /**
   * A function recording one finished request (count and latency, labelled by the matched route
   * pattern), given the `performance.now()` of its start. Label children are looked up by one string
   * key: prom-client would otherwise hash the label object on every request.
   */
  recorder(): (req: Request, res: Response, started: number) => void {
    const requests = new Map<string, { inc(): void }>();
    const latencies = new Map<string, { observe(v: number): void }>();
    return (req, res, started) => {
      // Express types `req.route` as any; routes here are declared with a path or a list of paths.
      const routePath = (req.route as { path?: string | string[] } | undefined)?.path;
      const route = routePath ? `${req.baseUrl}${String(routePath)}` : 'unmatched';
      const status = res.statusCode;
      const key = `${req.method} ${route}`;
      let latency = latencies.get(key);
      if (!latency) {
        latency = this.latency.labels({ method: req.method, route });
        latencies.set(key, latency);
      }
      latency.observe((performance.now() - started) / 1000);
      const counterKey = `${key} ${status}`;
      let counter = requests.get(counterKey);
      if (!counter) {
        counter = this.requests.labels({ method: req.method, route, status });
        requests.set(counterKey, counter);
      }
      counter.inc();
    };
  }

  /** Counts one evaluation; unknown flags share one label so callers cannot inflate the series count. */
  evaluation(result: EvaluationDetails<FlagValue | undefined>): void {
    const flag = result.errorCode === 'FLAG_NOT_FOUND' ? '(unknown)' : result.key;
    let byReason = this.evaluationChildren.get(flag);
    if (!byReason) {
      byReason = new Map();
      this.evaluationChildren.set(flag, byReason);
    }
    let child = byReason.get(result.reason);
    if (!child) {
      child = this.evaluations.labels({ flag, reason: result.reason });
      byReason.set(result.reason, child);
    }
    child.inc();
  }

  /** Counts a batch of evaluations. */
  evaluationBatch(results: readonly EvaluationDetails<FlagValue | undefined>[]): void {
    for (const r of results) this.evaluation(r);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
