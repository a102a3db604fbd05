import { mkdtemp, chmod, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type ConfirmChannel, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, rabbitPasswordHash, servicesOf, toRabbitDefinitions } from '../src/index.js';
import { CalcHandlers } from './support/calc-handlers.js';
import { EventRecorder, RECORDER, SharedControls, ThingHandlers } from './support/event-recorder.js';
import { CalcRpc, TestEvents, testTopology } from './support/test-contracts.js';
import { openInspector, startTestService, takeAll, waitFor, type TestService } from './support/test-service.js';
import { createTestVhost, deleteBrokerUser, importDefinitions, type TestVhost } from './support/test-vhost.js';

// Each service runs as its own broker user, with the permissions toRabbitDefinitions generates from the topology,
// on a broker provisioned from those definitions (as the k8s Job does), declaring only what it owns.
describe('a broker user per service, limited to its part of the topology', () => {
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const userOf = (service: string) => `test-privilege-${suffix}-${service}`;
  const passwordOf = (service: string) => `secret-${service}-${suffix}`;
  const retry = { maxAttempts: 3, delaysMs: [100, 200] };
  const shared = new SharedControls();
  const audit = new EventRecorder('audit', shared);
  const edge = new EventRecorder('edge', shared);
  const services: Record<string, TestService> = {};
  let vhost: TestVhost;
  let dir: string;

  const urlOf = (service: string) => {
    const url = new URL(vhost.url);
    url.username = userOf(service);
    url.password = passwordOf(service);
    return url.toString();
  };
  const start = (serviceName: string, extra: Parameters<typeof startTestService>[0] = { url: '', serviceName }) => startTestService({
    ...extra, url: urlOf(serviceName), serviceName, messaging: { retry, declare: 'own' },
  });

  /** Runs `act` as `service` on a fresh channel and returns the channel error the broker closed it with. */
  async function refusal(service: string, act: (channel: ConfirmChannel) => unknown): Promise<string> {
    const model = await amqp.connect(urlOf(service));
    model.on('error', () => undefined);
    try {
      const channel = await model.createConfirmChannel();
      const closed = new Promise<Error>((resolve) => channel.once('error', resolve));
      await Promise.resolve(act(channel)).catch(() => undefined);
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${service}: not refused`)), 5000));
      return (await Promise.race([closed, timeout])).message;
    } finally {
      await model.close().catch(() => undefined);
    }
  }
  const publish = (exchange: string, routingKey: string) => (channel: ConfirmChannel) =>
    new Promise((resolve, reject) => channel.publish(exchange, routingKey, Buffer.from('{}'), {}, (err: unknown) => (err ? reject(err as Error) : resolve(undefined))));

  beforeAll(async () => {
    vhost = await createTestVhost('privilege');
    dir = await mkdtemp(join(tmpdir(), 'plinth-privilege-'));
    await chmod(dir, 0o755); // rabbitmqctl reads the file as the rabbitmq user
    const file = join(dir, 'definitions.json');
    await writeFile(file, JSON.stringify(toRabbitDefinitions(testTopology, {
      vhost: vhost.vhost,
      retryDelaysMs: retry.delaysMs,
      users: { nameOf: userOf, passwordHashOf: (service) => rabbitPasswordHash(passwordOf(service)) },
    })));
    await importDefinitions(file);
    services.calc = await start('calc', { url: '', serviceName: 'calc', controllers: [CalcHandlers] });
    services.audit = await start('audit', { url: '', serviceName: 'audit', controllers: [ThingHandlers], providers: [{ provide: RECORDER, useValue: audit }] });
    services.edge = await start('edge', { url: '', serviceName: 'edge', controllers: [ThingHandlers], providers: [{ provide: RECORDER, useValue: edge }] });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(Object.values(services).map((service) => service.close()));
    await vhost?.drop();
    await Promise.all(servicesOf(testTopology).map((service) => deleteBrokerUser(userOf(service)).catch(() => undefined)));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lets every service set up its own part and work: an RPC and an event across services', async () => {
    await expect(services.edge.rpc.send(CalcRpc.add, { a: 2, b: 3 })).resolves.toMatchObject({ sum: 5 });
    const event = createEvent(TestEvents.thingHappened, 1, { name: 'narrow' }, { source: 'calc' });
    await services.calc.publisher.publish(event);
    await waitFor(() => audit.handled.some((handled) => handled.id === event.id), 'the durable consumer to get the event');
    await waitFor(() => edge.handled.some((handled) => handled.id === event.id), 'the broadcast consumer to get the event');
  });

  it('moves a failing event through its retry queues into its DLQ with its own narrow rights', async () => {
    const event = createEvent(TestEvents.thingHappened, 1, { name: 'fail' }, { source: 'calc' });
    await services.calc.publisher.publish(event);
    await waitFor(() => audit.attempts.get(event.id) === retry.maxAttempts, 'every attempt of the failing event');
    const inspector = await openInspector(vhost.url);
    try {
      let dead: GetMessage[] = [];
      await waitFor(async () => (dead = [...dead, ...await takeAll(inspector.channel, 'audit.events.dlq')]).some((message) => message.properties.messageId === event.id), 'the event in the DLQ');
    } finally {
      await inspector.close();
    }
  });

  it('refuses to consume another service\'s queue', async () => {
    expect(await refusal('audit', (channel) => channel.consume('calc.rpc', () => undefined))).toMatch(/403 \(ACCESS-REFUSED\).*access to queue 'calc\.rpc'/);
    expect(await refusal('edge', (channel) => channel.consume('audit.events', () => undefined))).toMatch(/403 \(ACCESS-REFUSED\).*access to queue 'audit\.events'/);
  });

  it('refuses to publish to the events exchange for a service that publishes no events', async () => {
    expect(await refusal('audit', publish('plinth.events', TestEvents.thingHappened))).toMatch(/403 \(ACCESS-REFUSED\).*access to exchange 'plinth\.events'/);
  });

  it('refuses a publisher an event type it does not publish (topic permissions)', async () => {
    expect(await refusal('calc', publish('plinth.events', 'test.forged.event'))).toMatch(/403 \(ACCESS-REFUSED\).*access to topic 'test\.forged\.event' in exchange 'plinth\.events'/);
  });

  it('refuses every service the default exchange, which would reach any queue by name', async () => {
    for (const service of ['calc', 'audit', 'edge']) {
      expect(await refusal(service, publish('', 'audit.events'))).toMatch(/403 \(ACCESS-REFUSED\).*access to exchange 'amq\.default'/);
    }
  });

  it('lets a caller request only the services it calls, and a service answer only its callers', async () => {
    expect(await refusal('mailer', publish('plinth.rpc', CalcRpc.add))).toMatch(/403 \(ACCESS-REFUSED\).*access to exchange 'plinth\.rpc'/);
    expect(await refusal('edge', publish('plinth.rpc', 'audit.anything'))).toMatch(/403 \(ACCESS-REFUSED\).*access to topic 'audit\.anything' in exchange 'plinth\.rpc'/);
    expect(await refusal('calc', publish('plinth.rpc.replies', 'mailer.replies.forged'))).toMatch(/403 \(ACCESS-REFUSED\).*access to topic 'mailer\.replies\.forged' in exchange 'plinth\.rpc\.replies'/);
    expect(await refusal('edge', (channel) => channel.consume('calc.replies.x', () => undefined))).toMatch(/403 \(ACCESS-REFUSED\)/);
  });

  it('lets a consumer move failed events only into its own retry queues and DLQ', async () => {
    expect(await refusal('audit', publish('plinth.events.moves', 'mailer.events.dlq'))).toMatch(/403 \(ACCESS-REFUSED\).*access to topic 'mailer\.events\.dlq' in exchange 'plinth\.events\.moves'/);
    expect(await refusal('edge', publish('plinth.events.moves', 'audit.events.retry.1'))).toMatch(/403 \(ACCESS-REFUSED\).*access to exchange 'plinth\.events\.moves'/);
  });

  it('refuses to declare or delete another service\'s queue, or the shared exchange', async () => {
    expect(await refusal('edge', (channel) => channel.assertQueue('audit.events.retry.9'))).toMatch(/403 \(ACCESS-REFUSED\).*access to queue 'audit\.events\.retry\.9'/);
    expect(await refusal('audit', (channel) => channel.deleteQueue('calc.rpc'))).toMatch(/403 \(ACCESS-REFUSED\).*access to queue 'calc\.rpc'/);
    expect(await refusal('calc', (channel) => channel.deleteExchange('plinth.events'))).toMatch(/403 \(ACCESS-REFUSED\).*access to exchange 'plinth\.events'/);
  });

  it('refuses to bind another service\'s queue, or its own queue to events it does not subscribe to', async () => {
    expect(await refusal('edge', (channel) => channel.bindQueue('audit.events', 'plinth.events', TestEvents.auditOnly))).toMatch(/403 \(ACCESS-REFUSED\).*access to queue 'audit\.events'/);
    expect(await refusal('mailer', (channel) => channel.bindQueue('mailer.events', 'plinth.events', TestEvents.auditOnly))).toMatch(/403 \(ACCESS-REFUSED\).*access to topic 'test\.audit\.only' in exchange 'plinth\.events'/);
  });
});
