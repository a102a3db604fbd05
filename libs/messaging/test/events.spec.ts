import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GetMessage } from 'amqplib';
import { createEvent } from '../src/index.js';
import { EventRecorder, RECORDER, SharedControls, ThingHandlers } from './support/event-recorder.js';
import { TestEvents } from './support/test-contracts.js';
import { openInspector, startTestService, takeAll, waitFor, type TestService } from './support/test-service.js';
import { createTestVhost, type TestVhost } from './support/test-vhost.js';

const thing = (name: string) => createEvent(TestEvents.thingHappened, 1, { name }, { source: 'test' });

describe('events over RabbitMQ', () => {
  let vhost: TestVhost;
  const shared = new SharedControls();
  const auditA = new EventRecorder('audit-a', shared);
  const auditB = new EventRecorder('audit-b', shared);
  const mailer = new EventRecorder('mailer', shared);
  const edgeA = new EventRecorder('edge-a', shared);
  const edgeB = new EventRecorder('edge-b', shared);
  const services: TestService[] = [];
  let producer: TestService;
  let inspector: Awaited<ReturnType<typeof openInspector>>;
  const dlq: GetMessage[] = [];

  const startConsumer = (serviceName: string, recorder: EventRecorder) => startTestService({
    url: vhost.url,
    serviceName,
    controllers: [ThingHandlers],
    providers: [{ provide: RECORDER, useValue: recorder }],
    messaging: { retry: { maxAttempts: 3, delaysMs: [100, 200] } },
  });
  const handledEverywhere = () => [...auditA.handled, ...auditB.handled, ...mailer.handled];
  const deadLettered = async (id: string) => {
    dlq.push(...await takeAll(inspector.channel, 'audit.events.dlq'));
    return dlq.find((message) => message.properties.messageId === id);
  };

  beforeAll(async () => {
    vhost = await createTestVhost('events');
    // The producer starts first and alone: its topology assertion must already queue events for consumers that do not run yet.
    producer = await startTestService({ url: vhost.url, serviceName: 'producer' });
    await producer.publisher.publish(thing('early'));
    services.push(producer);
    for (const [name, recorder] of [['audit', auditA], ['audit', auditB], ['mailer', mailer], ['edge', edgeA], ['edge', edgeB]] as const) {
      services.push(await startConsumer(name, recorder));
    }
    inspector = await openInspector(vhost.url);
  });

  afterAll(async () => {
    shared.releaseAll();
    await inspector?.close();
    await Promise.all(services.map((service) => service.close()));
    await vhost?.drop();
  });

  it('queues an event published before its consumers ever started', async () => {
    await waitFor(() => auditA.handled.concat(auditB.handled).some((e) => e.name === 'early') && mailer.handled.some((e) => e.name === 'early'), 'early event');
  });

  it('gives every broadcast replica its own copy, and a failing broadcast handler is not retried', async () => {
    const event = thing('broadcast');
    const failing = thing('fail');
    await producer.publisher.publish([failing, event]);
    await waitFor(() => edgeA.handled.some((e) => e.id === event.id) && edgeB.handled.some((e) => e.id === event.id), 'both replicas');
    expect(edgeA.attempts.get(failing.id)).toBe(1);
    expect(edgeB.attempts.get(failing.id)).toBe(1);
  });

  it('fans an event out to every subscribed service queue, once per service', async () => {
    const event = thing('fan-out');
    await producer.publisher.publish(event);
    await waitFor(() => handledEverywhere().filter((e) => e.id === event.id).length === 2, 'both services');
    const byInstance = handledEverywhere().filter((e) => e.id === event.id).map((e) => e.instance);
    expect(byInstance).toContain('mailer');
    expect(byInstance.filter((instance) => instance.startsWith('audit'))).toHaveLength(1);
  });

  it('shares one service queue between competing consumer instances', async () => {
    const events = Array.from({ length: 20 }, (_, i) => thing(`share-${i}`));
    await producer.publisher.publish(events);
    const ids = new Set(events.map((e) => e.id));
    const audited = () => auditA.handled.concat(auditB.handled).filter((e) => ids.has(e.id));
    await waitFor(() => audited().length === 20, 'all 20 audited');
    expect(new Set(audited().map((e) => e.id)).size).toBe(20);
    expect(auditA.handled.filter((e) => ids.has(e.id)).length).toBeGreaterThan(0);
    expect(auditB.handled.filter((e) => ids.has(e.id)).length).toBeGreaterThan(0);
  });

  it('retries a failing handler with backoff and dead-letters it after maxAttempts with the reason', async () => {
    const event = thing('fail');
    const publishedAt = Date.now();
    await producer.publisher.publish(event, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    const dead = await waitFor(() => deadLettered(event.id), 'dead-lettered event');
    const attempts = (auditA.attempts.get(event.id) ?? 0) + (auditB.attempts.get(event.id) ?? 0);
    expect(attempts).toBe(3);
    expect(Date.now() - publishedAt).toBeGreaterThanOrEqual(100 + 200);
    expect(dead.properties.headers).toMatchObject({
      'x-plinth-error': `cannot handle ${event.id}`,
      'x-plinth-attempts': 3,
      'x-plinth-routing-key': TestEvents.thingHappened,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(JSON.parse(dead.content.toString())).toEqual(event);
  });

  it('dead-letters malformed JSON and invalid envelopes at once while good events keep flowing', async () => {
    const invalid = { ...thing('invalid'), occurredAt: 'yesterday' };
    const good = thing('good-after-poison');
    inspector.channel.publish('plinth.events', TestEvents.auditOnly, Buffer.from('{oops'), { messageId: 'poison-json', persistent: true });
    inspector.channel.publish('plinth.events', TestEvents.thingHappened, Buffer.from(JSON.stringify(invalid)), { messageId: invalid.id, persistent: true });
    await producer.publisher.publish(good);

    const malformed = await waitFor(() => deadLettered('poison-json'), 'malformed JSON in DLQ');
    expect(malformed.properties.headers).toMatchObject({ 'x-plinth-error': 'malformed JSON', 'x-plinth-attempts': 1 });
    const badEnvelope = await waitFor(() => deadLettered(invalid.id), 'invalid envelope in DLQ');
    expect(badEnvelope.properties.headers?.['x-plinth-error']).toMatch(/^invalid event: /);
    expect(badEnvelope.properties.headers?.['x-plinth-attempts']).toBe(1);
    await waitFor(() => handledEverywhere().filter((e) => e.id === good.id).length === 2, 'good event handled by both services');
    expect(auditA.attempts.get(invalid.id) ?? auditB.attempts.get(invalid.id)).toBeUndefined();
  });
});
