// One client request = one trace across the gateway, the broker hops, every service and its SQL, exported over
// OTLP (http/protobuf; users on http/json) to a real receiver on loopback. The asynchronous event handling
// continues the request's trace: the outbox stores the request's traceparent and the relay publishes inside it.
import type { OrderView, TokenPair } from '@plinth/contracts';
import { OtlpReceiver, SpanKind, type ReceivedSpan, type RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
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

describe('distributed tracing', () => {
  let receiver: OtlpReceiver;
  let system: RunningSystem;
  let api: PlinthApi;
  const email = uniqueEmail('trace');
  let tokens: TokenPair;
  let registration: ReceivedSpan[];
  let order: OrderView;
  let orderTrace: ReceivedSpan[];

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
      serviceEnv: { users: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } },
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
    const authRpc = consumerOf(registration, 'auth', 'auth.rpc');
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
    orderTrace = await completeTrace(traceIdOf(res.headers['traceresponse']), 'the order trace', (spans) =>
      childrenOf(spans, consumerOf(spans, 'notifications', 'orders.order.created')).some(isDbQuery) && spans.some((span) => span.kind === SpanKind.server),
    );

    expect(servicesOf(orderTrace)).toEqual(expect.arrayContaining(['gateway', 'notifications', 'orders']));
    expect(rootsOf(orderTrace)).toEqual([expect.objectContaining({ service: 'gateway', kind: SpanKind.server, name: 'POST /v1/orders' })]);
    const ordersRpc = consumerOf(orderTrace, 'orders', 'orders.rpc');
    expect(childrenOf(orderTrace, ordersRpc).filter(isDbQuery).map((span) => span.attributes['db.query.text'])).toContainEqual(
      expect.stringMatching(/^insert into "orders"/),
    );
    expect(parentOf(orderTrace, consumerOf(orderTrace, 'notifications', 'orders.order.created'))).toMatchObject({ service: 'orders', kind: SpanKind.producer });
    expect(order.id).toBeDefined();
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
});
