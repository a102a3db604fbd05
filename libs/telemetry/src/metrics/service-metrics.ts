import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; from sub-millisecond RPCs on loopback to requests that hit the 5 s RPC timeout. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export type HandlerKind = 'rpc' | 'event';
export type HandlerOutcome = 'success' | 'error';

/**
 * One service's Prometheus registry: Node runtime metrics, RED histograms for HTTP routes and message handlers,
 * and gauges whose values are read at scrape time (queue depths, outbox backlog, DB pool) via `gauge()`.
 * Every series carries `service`.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  /** Rate, errors (status_code) and duration per route template; `route="unmatched"` for 404s outside any route. */
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly httpRequestsInFlight: Gauge;
  /** Rate, errors (outcome) and duration per RPC pattern / event type. */
  readonly messageHandlerDuration: Histogram<'kind' | 'pattern' | 'outcome'>;
  readonly messageHandlersInFlight: Gauge<'kind'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters: `promtool check metrics` rejects them, and the event-loop, heap and GC series
    // say more about a stuck process anyway.
    for (const name of MISNAMED_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    this.httpRequestDuration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'HTTP requests handled, by method, route template and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    this.httpRequestsInFlight = new Gauge({
      name: 'http_server_requests_in_flight',
      help: 'HTTP requests being handled now.',
      registers: [this.registry],
    });
    this.messageHandlerDuration = new Histogram({
      name: 'messaging_handler_duration_seconds',
      help: 'Messages handled, by kind (rpc, event), pattern or event type, and outcome (success, error).',
      labelNames: ['kind', 'pattern', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    this.messageHandlersInFlight = new Gauge({
      name: 'messaging_handlers_in_flight',
      help: 'Messages being handled now (bounded by the consumer prefetch).',
      labelNames: ['kind'],
      registers: [this.registry],
    });
  }

  /** A gauge read at scrape time; `read` returns one value per label set (a failure leaves the gauge unset). */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<{ labels?: Partial<Record<L, string>>; value: number }[]>,
  ): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        const samples = await read().catch(() => []);
        for (const sample of samples) this.set(sample.labels ?? {}, sample.value);
      },
    });
  }

  /** The Prometheus text exposition of every metric. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
