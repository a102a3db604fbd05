import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_DB_QUERY_TEXT, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { sanitizeSqlText } from './sql-text.sanitize.js';
import type { TelemetrySettings } from './telemetry.config.js';

// Not exported by the stable semconv entry point yet.
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * http (server and client spans, probes ignored), express (router and route handler spans), amqplib (publish and
 * process spans, W3C context in message headers) and pg. @nestjs/core's instrumentation supports Nest < 12 only;
 * the route (express) and consumer (amqplib) spans name the handler instead.
 * Traces only: exporter, protocol (http/protobuf default, http/json), batching and sampler come from the
 * standard OTEL_* variables through the SDK. Metrics are scraped from /metrics, logs go to stdout.
 */
export function startTracing(settings: TelemetrySettings): void {
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: settings.serviceVersion,
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: settings.environment,
    }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would bury the real traffic.
        ignoreIncomingRequestHook: (request) => PROBES.has((request.url ?? '').split('?')[0] ?? ''),
      }),
      // A span per middleware (helmet, CORS, body parsing, logging… a dozen per request) would outnumber all
      // other spans of a trace, and each shows nothing the server span does not.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      new AmqplibInstrumentation(),
      // Values (password and token hashes, e-mails) never reach a span: parameters are not recorded and the
      // literals MikroORM inlines are stripped. No parent, no span: the outbox relay's polling stays untraced.
      // No spans for taking a pooled connection (pg-pool.connect, pg.connect): on a warm pool they time a map
      // lookup, cost as much as the query span they precede and doubled the database spans of every trace.
      new PgInstrumentation({
        enhancedDatabaseReporting: false,
        requireParentSpan: true,
        ignoreConnectSpans: true,
        requestHook: (span, { query }) => span.setAttribute(ATTR_DB_QUERY_TEXT, sanitizeSqlText(query.text)),
      }),
    ],
  });
  sdk.start();
  // The app decides when it exits (graceful shutdown, then process.exit): it calls flushTelemetry() last.
}
