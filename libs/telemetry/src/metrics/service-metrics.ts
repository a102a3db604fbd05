import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EXPOSITION_CONTENT_TYPES, type ExpositionFormat } from './exposition-format.js';
import type { TraceExemplar } from './trace-exemplar.js';

/** Seconds; from sub-millisecond RPCs on loopback to requests that hit the 5 s RPC timeout. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds from an event's occurredAt to its handling: loopback delivery (ms) up to the retry budget (~51 s) and beyond. */
const EVENT_AGE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** A gauge read that takes longer is left unset for that scrape, so an outage never hangs /metrics. */
const GAUGE_READ_TIMEOUT_MS = 2_000;

// prom-client's typings omit the constructor's content type and fix a registry's format for life; both exist at run time.
const RegistryOfFormat = Registry as unknown as new (contentType: string) => Registry;
type FormatSwitch = { setContentType(contentType: string): void };

const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export type HandlerKind = 'rpc' | 'event';
export type HandlerOutcome = 'success' | 'error';

/**
 * One service's Prometheus registry: Node runtime metrics, RED histograms for HTTP routes and message handlers
 * (with OpenMetrics exemplars linking a bucket to a sampled trace), event age at handling, and gauges whose values
 * are read at scrape time (queue depths, outbox backlog, DB pool) via `gauge()`. Every series carries `service`.
 */
export class ServiceMetrics {
  readonly registry: Registry;
  /** Rate, errors (status_code) and duration per route template; `route="unmatched"` for 404s outside any route. */
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly httpRequestsInFlight: Gauge;
  /** Rate, errors (outcome) and duration per RPC pattern / event type. */
  readonly messageHandlerDuration: Histogram<'kind' | 'pattern' | 'outcome'>;
  readonly messageHandlersInFlight: Gauge<'kind'>;
  /** Event freshness: now − envelope.occurredAt when a handler has applied an event, by event type. */
  readonly eventAge: Histogram<'pattern'>;
  /** Expired bookkeeping rows deleted (idempotency keys, inbox, sent outbox), by table. */
  readonly rowsPruned: Counter<'table'>;
  /** Cache-aside lookups by cache: found, not found (loaded from the source), or the cache failed (source read, nothing lost). */
  readonly cacheHits: Counter<'cache'>;
  readonly cacheMisses: Counter<'cache'>;
  readonly cacheErrors: Counter<'cache' | 'operation'>;
  private rendering: Promise<unknown> = Promise.resolve();

  constructor(service: string) {
    // prom-client accepts exemplars only on histograms created with an OpenMetrics registry; the registry then
    // renders the classic format unless a scraper asks for OpenMetrics (see exposition()).
    this.registry = new RegistryOfFormat(EXPOSITION_CONTENT_TYPES.openmetrics);
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
      enableExemplars: true,
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
      enableExemplars: true,
      registers: [this.registry],
    });
    this.messageHandlersInFlight = new Gauge({
      name: 'messaging_handlers_in_flight',
      help: 'Messages being handled now (bounded by the consumer prefetch).',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    this.eventAge = new Histogram({
      name: 'messaging_event_age_seconds',
      help: 'Events applied by a handler, by event type, and how old they were then (now minus the envelope occurredAt).',
      labelNames: ['pattern'],
      buckets: EVENT_AGE_BUCKETS,
      enableExemplars: true,
      registers: [this.registry],
    });
    this.rowsPruned = new Counter({
      name: 'db_rows_pruned_total',
      help: 'Expired rows deleted by the retention pruner, by table.',
      labelNames: ['table'],
      registers: [this.registry],
    });
    this.cacheHits = new Counter({
      name: 'cache_hits_total',
      help: 'Cache lookups answered from the cache, by cache.',
      labelNames: ['cache'],
      registers: [this.registry],
    });
    this.cacheMisses = new Counter({
      name: 'cache_misses_total',
      help: 'Cache lookups that found nothing (the value was loaded from its source), by cache.',
      labelNames: ['cache'],
      registers: [this.registry],
    });
    this.cacheErrors = new Counter({
      name: 'cache_errors_total',
      help: 'Cache operations that failed (store unreachable or too slow; reads fell back to the source), by cache and operation.',
      labelNames: ['cache', 'operation'],
      registers: [this.registry],
    });
    this.switchTo('prometheus');
  }

  /** Records how old an applied event was (envelope `occurredAt` to now); one without a parsable occurredAt is skipped. */
  observeEventAge(pattern: string, occurredAt: unknown, exemplar?: TraceExemplar): void {
    const at = typeof occurredAt === 'string' ? Date.parse(occurredAt) : Number.NaN;
    if (Number.isNaN(at)) return;
    this.eventAge.observe({ labels: { pattern }, value: Math.max(0, Date.now() - at) / 1000, exemplarLabels: exemplar });
  }

  /** A gauge read at scrape time; `read` returns one value per label set (a failed or slow read leaves no sample; an unlabelled gauge shows 0 then). */
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
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<[]>((resolve) => (timer = setTimeout(() => resolve([]), GAUGE_READ_TIMEOUT_MS)));
        const samples = await Promise.race([read().catch(() => []), timeout]).finally(() => clearTimeout(timer));
        for (const sample of samples) this.set(sample.labels ?? {}, sample.value);
      },
    });
  }

  /**
   * The exposition of every metric. prom-client renders OpenMetrics by renaming counters in place (`x_total` → `x`,
   * samples `x_total`), so renders are serialized and the names restored afterwards: the classic format keeps them.
   * Gauge reads are time-bounded, so one slow scrape cannot hold up the next for long.
   */
  exposition(format: ExpositionFormat = 'prometheus'): Promise<string> {
    const render = this.rendering.then(() => (format === 'openmetrics' ? this.renderOpenMetrics() : this.registry.metrics()));
    this.rendering = render.catch(() => undefined);
    return render;
  }

  contentTypeOf(format: ExpositionFormat): string {
    return EXPOSITION_CONTENT_TYPES[format];
  }

  private async renderOpenMetrics(): Promise<string> {
    const counters = (this.registry.getMetricsAsArray() as unknown as { type?: string; name: string }[]).filter((metric) => metric.type === 'counter');
    const names = counters.map((counter) => counter.name);
    this.switchTo('openmetrics');
    try {
      return await this.registry.metrics();
    } finally {
      this.switchTo('prometheus');
      counters.forEach((counter, index) => (counter.name = names[index] ?? counter.name));
    }
  }

  private switchTo(format: ExpositionFormat): void {
    (this.registry as unknown as FormatSwitch).setContentType(EXPOSITION_CONTENT_TYPES[format]);
  }
}
