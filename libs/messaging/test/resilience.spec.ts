import { ErrorCodes } from '@plinth/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerUnavailableError, createEvent } from '../src/index.js';
import { CalcHandlers } from './support/calc-handlers.js';
import { EventRecorder, RECORDER, SharedControls, ThingHandlers } from './support/event-recorder.js';
import { CalcRpc, TestEvents } from './support/test-contracts.js';
import { openInspector, startTestService, waitFor, type TestService } from './support/test-service.js';
import { closeBrokerConnections, createTestVhost, type TestVhost } from './support/test-vhost.js';

const thing = (name: string) => createEvent(TestEvents.thingHappened, 1, { name }, { source: 'test' });
const succeeds = (work: () => Promise<unknown>) => () => work().then(() => true, () => false);

describe('transport resilience', () => {
  let vhost: TestVhost;
  const shared = new SharedControls();
  const recorders = [new EventRecorder('audit-a', shared), new EventRecorder('audit-b', shared)];
  let audits: TestService[] = [];
  let calc: TestService;
  let client: TestService;
  /** The audit instance whose connection the first test closes. */
  let dead: TestService;

  beforeAll(async () => {
    vhost = await createTestVhost('resilience');
    // Short drain bound: the interrupted slow call is redelivered and still running when the suite ends.
    calc = await startTestService({ url: vhost.url, serviceName: 'calc', controllers: [CalcHandlers], messaging: { shutdownTimeoutMs: 500 } });
    client = await startTestService({ url: vhost.url, serviceName: 'caller' });
    audits = await Promise.all(recorders.map((recorder) => startTestService({
      url: vhost.url,
      serviceName: 'audit',
      controllers: [ThingHandlers],
      providers: [{ provide: RECORDER, useValue: recorder }],
      messaging: { shutdownTimeoutMs: 2000 },
    })));
  });

  afterAll(async () => {
    shared.releaseAll();
    await Promise.all([client, calc, ...audits].map((service) => service?.close()));
    await vhost?.drop();
  });

  it('redelivers to another consumer a message whose consumer died before acking it', async () => {
    const event = thing('hang');
    await client.publisher.publish(event);
    await waitFor(() => shared.hangs === 1, 'a consumer to start handling');
    const dying = recorders.findIndex((recorder) => recorder.attempts.has(event.id));
    const survivor = recorders[1 - dying];

    dead = audits[dying];
    await dead.connection.close();

    const handled = await waitFor(() => survivor.handled.find((e) => e.id === event.id), 'redelivery to the survivor');
    expect(handled.redelivered).toBe(true);
    expect(recorders[dying].handled.some((e) => e.id === event.id)).toBe(false);
  });

  it('recovers consumers, RPC and publishing after the broker drops every connection, failing in-flight calls fast', async () => {
    const survivor = recorders.find((recorder) => recorder.handled.some((e) => e.name === 'hang')) ?? recorders[0];
    let disconnects = 0;
    client.connection.events.on('disconnected', () => disconnects++);
    // rabbitmqctl alone takes seconds on a busy machine: the call must outlast it.
    const inFlight = client.rpc.send(CalcRpc.sleep, { ms: 20_000 }, { timeoutMs: 25_000 }).catch((err: unknown) => err);

    await closeBrokerConnections(vhost.vhost);

    const failure = await inFlight;
    expect(failure).toBeInstanceOf(BrokerUnavailableError);
    expect(failure).toMatchObject({ code: ErrorCodes.UNAVAILABLE });
    expect(disconnects).toBeGreaterThan(0);
    await waitFor(succeeds(() => client.rpc.send(CalcRpc.add, { a: 1, b: 1 })), 'RPC after reconnect');
    const event = thing('after-reconnect');
    await waitFor(succeeds(() => client.publisher.publish(event)), 'publish after reconnect');
    await waitFor(() => survivor.handled.some((e) => e.id === event.id), 'consumption after reconnect');
    expect(client.connection.isConnected()).toBe(true);
  });

  it('rejects calls and publishes with BrokerUnavailableError once its connection is closed', async () => {
    expect(dead.connection.isConnected()).toBe(false);
    await expect(dead.rpc.send(CalcRpc.add, { a: 1, b: 1 })).rejects.toMatchObject({ code: ErrorCodes.UNAVAILABLE });
    await expect(dead.publisher.publish(thing('nowhere'))).rejects.toBeInstanceOf(BrokerUnavailableError);
  });

  it('drains an in-flight handler and acks its message before closing', async () => {
    const index = audits.findIndex((service) => service !== dead);
    shared.slowMs = 800;
    const event = thing('slow');
    await client.publisher.publish(event);
    await waitFor(() => recorders[index].attempts.has(event.id), 'handler to start');

    await audits[index].close();

    expect(recorders[index].handled.some((e) => e.id === event.id)).toBe(true);
    const inspector = await openInspector(vhost.url);
    try {
      expect((await inspector.channel.checkQueue('audit.events')).messageCount).toBe(0);
    } finally {
      await inspector.close();
    }
  });
});
