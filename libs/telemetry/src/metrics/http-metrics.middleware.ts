import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceMetrics } from './service-metrics.js';
import { sampledTraceExemplar } from './trace-exemplar.js';

const UNOBSERVED = new Set(['/metrics', '/healthz', '/readyz']);

type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/**
 * Express-style middleware recording every request (errors and 404s included) under its route template, never
 * the raw path: `/v1/orders/:id`, not one series per order id. A sampled request's trace id becomes the exemplar
 * of the bucket it lands in.
 */
export function httpMetricsMiddleware(metrics: ServiceMetrics) {
  return (request: RoutedRequest, response: ServerResponse, next: () => void): void => {
    if (UNOBSERVED.has((request.url ?? '').split('?')[0] ?? '')) return next();
    // The server span is active here (the http instrumentation starts it before any middleware runs).
    const stopTimer = metrics.httpRequestDuration.startTimer(undefined, sampledTraceExemplar());
    metrics.httpRequestsInFlight.inc();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      metrics.httpRequestsInFlight.dec();
      const path = request.route?.path;
      // Wildcard paths belong to middleware mounted on every route (Nest's `{/*splat}`), not to a handler.
      const route = typeof path === 'string' && !path.includes('*') ? `${request.baseUrl ?? ''}${path}` : 'unmatched';
      stopTimer({ method: request.method ?? 'UNKNOWN', route, status_code: String(response.statusCode) });
    };
    response.once('finish', finish);
    response.once('close', finish);
    next();
  };
}
