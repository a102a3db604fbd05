// Observability of the running system, on ONE system for the file: one client request = one trace across the
// gateway, the broker hops, every service and its SQL, exported over OTLP (http/protobuf; users on http/json) to
// a real receiver on loopback; logs that join on trace_id/request_id; /metrics that promtool accepts and that move.
// The asynchronous event handling continues the request's trace: the outbox stores the request's traceparent and
// the relay publishes inside it.
import { spawnSync } from 'node:child_process';
import { AuthRpc, CatalogRpc, OrdersEvents, OrdersRpc, UsersRpc, type OrderView, type TokenPair } from '@plinth/contracts';
import { OtlpReceiver, SpanKind, type ReceivedSpan, type RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { parseExposition, sample } from './support/prometheus-exposition.js';
import { expectStatus, PlinthApi, sampleOrder, STRONG_PASSWORD, uniqueEmail } from './support/plinth-api.js';

vi.setConfig({ testTimeout: 60_000 });

const TRACE_RESPONSE = /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/;

const traceIdOf = (traceresponse: string | undefined): string => {
  const traceId = TRACE_RESPONSE.exec(traceresponse ?? '')?.[1];
  if (!traceId) throw new Error(`expected a traceresponse header, got ${String(traceresponse)}`);
  return traceId;
};
const orphansOf = (spans: ReceivedSpan[]) => {
  const ids = new Set(spans.map((span) => span.spanId));
  return spans.filter((span) => span.parentSpanId !== undefined && !ids.has(span.parentSpanId));
};
const rootsOf = (spans: ReceivedSpan[]) => spans.filter((span) => span.parentSpanId === undefined);
const servicesOf = (spans: ReceivedSpan[]) => [...new Set(spans.map((span) => span.service))].sort();
const consumerOf = (spans: ReceivedSpan[], service: string, routingKey: string) =>
  spans.find((span) => span.service === service && span.kind === SpanKind.consumer && span.attributes['messaging.rabbitmq.routing_key'] === routingKey);
const parentOf = (spans: ReceivedSpan[], span: ReceivedSpan | undefined) => spans.find((candidate) => candidate.spanId === span?.parentSpanId);
const childrenOf = (spans: ReceivedSpan[], span: ReceivedSpan | undefined) => spans.filter((candidate) => candidate.parentSpanId === span?.spanId);
const isDbQuery = (span: ReceivedSpan) => span.attributes['db.system.name'] === 'postgresql' && span.name.startsWith('pg.query');
const logLinesOf = (logs: string): Record<string, unknown>[] =>
  logs.split('\n').flatMap((line) => {
    try {
      return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });

describe('distributed tracing', () => {
  let receiver: OtlpReceiver;
  let system: RunningSystem;
  let api: PlinthApi;
  const email = uniqueEmail('trace');
  let tokens: TokenPair;
  let registration: ReceivedSpan[];
  let order: OrderView;
  let orderTrace: ReceivedSpan[];
  let orderRequestId: string;
  const scrape = async (service: 'gateway' | 'auth' | 'users' | 'orders' | 'notifications') => {
    const res = await fetch(`${system.urlOf(service)}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  /** Waits until the trace is complete: every expected hop arrived and every parent is there (exports batch). */
  const completeTrace = async (traceId: string, what: string, complete: (spans: ReceivedSpan[]) => boolean) => {
    await receiver.waitFor(what, () => {
      const spans = receiver.trace(traceId);
      return complete(spans) && orphansOf(spans).length === 0;
    });
    return receiver.trace(traceId);
  };

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    system = await startE2eSystem({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_BSP_SCHEDULE_DELAY: '200' },
      // orders logs each handled message (debug), so its lines can be joined to the gateway's request.
      serviceEnv: { users: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, orders: { LOG_LEVEL: 'debug' } },
    });
    api = new PlinthApi(system.gatewayUrl);
  }, SYSTEM_START_TIMEOUT_MS);

  afterAll(async () => {
    await stopE2eSystem(system, 'tracing');
    await receiver?.stop();
  }, 60_000);

  it('puts a registration in one trace: gateway, auth, users and the asynchronous welcome in notifications', async () => {
    const res = await api.post('/v1/auth/register', { email, password: STRONG_PASSWORD, displayName: 'Tracy' });
    expectStatus(res, 201, 'register');
    tokens = res.body as TokenPair;
    registration = await completeTrace(traceIdOf(res.headers['traceresponse']), 'the registration trace', (spans) =>
      childrenOf(spans, consumerOf(spans, 'notifications', 'auth.user.registered')).some(isDbQuery) &&
      childrenOf(spans, consumerOf(spans, 'users', 'auth.user.registered')).some(isDbQuery) &&
      spans.some((span) => span.kind === SpanKind.server),
    );

    expect(servicesOf(registration)).toEqual(['auth', 'gateway', 'notifications', 'users']);
    const [root] = rootsOf(registration);
    expect(rootsOf(registration)).toHaveLength(1);
    expect(root).toMatchObject({ service: 'gateway', kind: SpanKind.server, name: 'POST /v1/auth/register' });
    // RPC: gateway producer → auth consumer, whose SQL and outbox write are its children.
    // Requests are routed by their pattern (plinth.rpc exchange), so the consumer span's routing key is the pattern.
    const authRpc = consumerOf(registration, 'auth', AuthRpc.register);
    expect(parentOf(registration, authRpc)).toMatchObject({ service: 'gateway', kind: SpanKind.producer });
    expect(childrenOf(registration, authRpc).filter(isDbQuery).map((span) => span.attributes['db.query.text'])).toContainEqual(
      expect.stringContaining('insert into "outbox_message"'),
    );
    // Events through the outbox: the relay's publish in auth is the parent of both consumers.
    for (const service of ['users', 'notifications']) {
      expect(parentOf(registration, consumerOf(registration, service, 'auth.user.registered'))).toMatchObject({
        service: 'auth',
        kind: SpanKind.producer,
        attributes: expect.objectContaining({ 'messaging.destination': 'plinth.events' }),
      });
    }
  });

  it('puts an order in one trace: gateway, orders and its handling in notifications', async () => {
    const res = await api.post('/v1/orders', sampleOrder(), tokens.accessToken);
    expectStatus(res, 201, 'create order');
    order = res.body as OrderView;
    orderRequestId = String(res.headers['x-request-id']);
    orderTrace = await completeTrace(traceIdOf(res.headers['traceresponse']), 'the order trace', (spans) =>
      childrenOf(spans, consumerOf(spans, 'notifications', 'orders.order.created')).some(isDbQuery) && spans.some((span) => span.kind === SpanKind.server),
    );

    expect(servicesOf(orderTrace)).toEqual(expect.arrayContaining(['gateway', 'notifications', 'orders']));
    expect(rootsOf(orderTrace)).toEqual([expect.objectContaining({ service: 'gateway', kind: SpanKind.server, name: 'POST /v1/orders' })]);
    const ordersRpc = consumerOf(orderTrace, 'orders', OrdersRpc.create);
    // The order and its outbox event are written by one statement.
    expect(childrenOf(orderTrace, ordersRpc).filter(isDbQuery).map((span) => span.attributes['db.query.text'])).toContainEqual(
      expect.stringMatching(/^with .*insert into "orders".*insert into "outbox_message"/s),
    );
    expect(parentOf(orderTrace, consumerOf(orderTrace, 'notifications', 'orders.order.created'))).toMatchObject({ service: 'orders', kind: SpanKind.producer });
    expect(order.id).toBeDefined();
  });

  it('puts a GraphQL operation in one trace: POST /graphql at the gateway, its RPC and its DataLoader batches', async () => {
    const query = '{ myOrders(first: 5) { edges { node { id user { email } items { product { name } } } } } }';
    const res = await api.post('/graphql', { query }, tokens.accessToken);
    expectStatus(res, 200, 'graphql');
    expect(res.body.errors).toBeUndefined();
    const fanOut = [['orders', OrdersRpc.list], ['users', UsersRpc.getProfiles], ['catalog', CatalogRpc.getMany]] as const;
    const trace = await completeTrace(traceIdOf(res.headers['traceresponse']), 'the GraphQL trace', (spans) =>
      fanOut.every(([service, pattern]) => consumerOf(spans, service, pattern) !== undefined) && spans.some((span) => span.kind === SpanKind.server),
    );
    expect(rootsOf(trace)).toEqual([expect.objectContaining({ service: 'gateway', kind: SpanKind.server, name: 'POST /graphql' })]);
    // The batches run after the resolvers that queued them, yet stay in the request's trace.
    for (const [service, pattern] of fanOut) expect(parentOf(trace, consumerOf(trace, service, pattern))).toMatchObject({ service: 'gateway', kind: SpanKind.producer });
  });

  it('keeps every parent link intact: each span but the root has its parent in the same trace', () => {
    for (const spans of [registration, orderTrace]) {
      expect(orphansOf(spans)).toEqual([]);
      expect(rootsOf(spans)).toHaveLength(1);
    }
  });

  it('gives HTTP, messaging and database spans their semantic-convention attributes', () => {
    const spans = [...registration, ...orderTrace];
    const server = rootsOf(orderTrace)[0];
    expect(server?.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/v1/orders', 'http.response.status_code': 201, 'url.path': '/v1/orders' });
    const messaging = spans.filter((span) => span.kind === SpanKind.producer || span.kind === SpanKind.consumer);
    expect(messaging.length).toBeGreaterThanOrEqual(8);
    for (const span of messaging) {
      expect(span.attributes).toMatchObject({ 'messaging.system': 'rabbitmq', 'messaging.protocol': 'AMQP', 'server.address': '127.0.0.1' });
      expect(span.attributes['messaging.rabbitmq.routing_key']).toEqual(expect.any(String));
    }
    for (const span of messaging.filter((candidate) => candidate.kind === SpanKind.consumer)) expect(span.attributes['messaging.operation']).toBe('process');
    const queries = spans.filter(isDbQuery);
    expect(queries.length).toBeGreaterThanOrEqual(10);
    for (const span of queries) {
      expect(span.kind).toBe(SpanKind.client);
      expect(span.attributes).toMatchObject({ 'db.namespace': expect.stringContaining('_test_'), 'server.port': 5432 });
      // Literal values are stripped: the statement's shape only.
      expect(span.attributes['db.query.text']).not.toMatch(/'/);
    }
  });

  it('records no password, token, Authorization header or e-mail address in any exported span', () => {
    const exported = receiver.rawRequests.join('\n');
    for (const secret of [STRONG_PASSWORD, tokens.accessToken, tokens.refreshToken, 'Bearer ', '$argon2id', email]) {
      expect(exported).not.toContain(secret);
    }
    expect(exported).not.toMatch(/authorization/i);
  });

  it('honours OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf by default, http/json where a service asks for it', () => {
    expect([...receiver.contentTypes].sort()).toEqual(['application/json', 'application/x-protobuf']);
    expect(registration.some((span) => span.service === 'users')).toBe(true);
  });

  it('logs the request at the gateway and its RPC in orders with the same trace_id and request_id, and a span_id', () => {
    const traceId = orderTrace[0]?.traceId;
    const gatewayLine = logLinesOf(system.logs('gateway')).find((line) => line['request_id'] === orderRequestId && line['msg'] === 'request completed');
    expect(gatewayLine).toMatchObject({ service: 'gateway', trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/), res: { statusCode: 201 } });
    expect(gatewayLine?.['responseTime']).toEqual(expect.any(Number));
    const ordersLines = logLinesOf(system.logs('orders')).filter((line) => line['request_id'] === orderRequestId);
    expect(ordersLines.length).toBeGreaterThan(0);
    for (const line of ordersLines) expect(line).toMatchObject({ service: 'orders', trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('serves Prometheus metrics on every service that promtool check metrics accepts', async () => {
    for (const service of ['gateway', 'auth', 'users', 'orders', 'notifications'] as const) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: await scrape(service), encoding: 'utf8' });
      expect({ service, status: check.status, error: check.error?.message, output: `${check.stdout}${check.stderr}`.trim() }).toEqual({
        service,
        status: 0,
        error: undefined,
        output: '',
      });
    }
  });

  it('links a latency bucket to its trace: the OpenMetrics exemplar of POST /v1/orders names a trace the receiver has', async () => {
    const res = await fetch(`${system.gatewayUrl}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    const exposition = await res.text();
    expect(exposition.trimEnd().endsWith('# EOF')).toBe(true);
    const exemplars = exposition
      .split('\n')
      .filter((line) => line.startsWith('http_server_request_duration_seconds_bucket{') && line.includes('route="/v1/orders"') && line.includes('method="POST"'))
      .flatMap((line) => {
        const match = / # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\} ([0-9.e-]+) [0-9.]+$/.exec(line);
        return match ? [{ traceId: match[1] ?? '', spanId: match[2] ?? '', seconds: Number(match[3]) }] : [];
      });
    expect(exemplars.length).toBeGreaterThanOrEqual(1);
    // The exemplar is the request's server span: it exists in the exported traces, and it is POST /v1/orders.
    const linked = exemplars.map((exemplar) => receiver.trace(exemplar.traceId).find((span) => span.spanId === exemplar.spanId));
    expect(linked.filter((span) => span === undefined)).toEqual([]);
    expect(linked[0]).toMatchObject({ service: 'gateway', kind: SpanKind.server, name: 'POST /v1/orders' });
    // Message handlers link their consumer span the same way.
    const orders = await (await fetch(`${system.urlOf('orders')}/metrics`, { headers: { accept: 'application/openmetrics-text' } })).text();
    const rpcExemplar = /^messaging_handler_duration_seconds_bucket\{.*pattern="orders\.create".* # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\}/m.exec(orders);
    expect(receiver.trace(rpcExemplar?.[1] ?? '').find((span) => span.spanId === rpcExemplar?.[2])).toMatchObject({ service: 'orders', kind: SpanKind.consumer });
  });

  it('exposes runtime, queue, dead-letter, outbox and pool series', async () => {
    const orders = parseExposition(await scrape('orders'));
    const notifications = parseExposition(await scrape('notifications'));
    expect(sample(orders, 'nodejs_eventloop_lag_seconds', { service: 'orders' })).toBeGreaterThanOrEqual(0);
    expect(sample(orders, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(orders, 'messaging_queue_messages_ready', { queue: 'orders.rpc' })).toBe(0);
    expect(sample(orders, 'outbox_unsent_messages')).toBe(0);
    expect(sample(orders, 'outbox_oldest_unsent_age_seconds')).toBe(0);
    expect(sample(orders, 'db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
    // The scrape's own outbox query may be waiting for a connection at that moment.
    expect(sample(orders, 'db_pool_pending_requests')).toBeGreaterThanOrEqual(0);
    expect(sample(notifications, 'messaging_queue_messages_ready', { queue: 'notifications.events' })).toBeGreaterThanOrEqual(0);
    expect(sample(notifications, 'messaging_dlq_messages', { queue: 'notifications.events.dlq' })).toBe(0);
    expect(sample(notifications, 'messaging_handlers_in_flight', { kind: 'event' })).toBe(0);
    expect(sample(orders, 'messaging_broker_up')).toBe(1);
    expect(sample(orders, 'db_up')).toBe(1);
    expect(sample(orders, 'messaging_queue_consumers', { queue: 'orders.rpc' })).toBe(1);
    expect(sample(notifications, 'messaging_queue_consumers', { queue: 'notifications.events' })).toBe(1);
    // Freshness: the order event was stored by notifications within the retry-free path (well under 5 s).
    expect(sample(notifications, 'messaging_event_age_seconds_count', { pattern: 'orders.order.created' })).toBeGreaterThanOrEqual(1);
    expect(sample(notifications, 'messaging_event_age_seconds_bucket', { pattern: 'orders.order.created', le: '5' })).toBe(
      sample(notifications, 'messaging_event_age_seconds_count', { pattern: 'orders.order.created' }),
    );
  });

  it('moves the RED series after traffic: RPC and event handler counts, HTTP requests per route', async () => {
    const rpc = { kind: 'rpc', pattern: OrdersRpc.create, outcome: 'success' };
    const event = { kind: 'event', pattern: OrdersEvents.orderCreated, outcome: 'success' };
    const http = { method: 'GET', route: 'unmatched', status_code: '404' };
    const before = {
      rpc: sample(parseExposition(await scrape('orders')), 'messaging_handler_duration_seconds_count', rpc) ?? 0,
      event: sample(parseExposition(await scrape('notifications')), 'messaging_handler_duration_seconds_count', event) ?? 0,
      http: sample(parseExposition(await scrape('orders')), 'http_server_request_duration_seconds_count', http) ?? 0,
    };
    expect(before.rpc).toBeGreaterThanOrEqual(1);

    await api.createOrder(tokens.accessToken);
    expect((await fetch(`${system.urlOf('orders')}/no-such-route`)).status).toBe(404);

    const orders = parseExposition(await scrape('orders'));
    expect(sample(orders, 'messaging_handler_duration_seconds_count', rpc)).toBe(before.rpc + 1);
    expect(sample(orders, 'messaging_handler_duration_seconds_sum', rpc)).toBeGreaterThan(0);
    expect(sample(orders, 'http_server_request_duration_seconds_count', http)).toBe(before.http + 1);
    let eventCount = before.event;
    for (let attempt = 0; attempt < 100 && eventCount < before.event + 1; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      eventCount = sample(parseExposition(await scrape('notifications')), 'messaging_handler_duration_seconds_count', event) ?? 0;
    }
    expect(eventCount).toBe(before.event + 1);
  });
});
