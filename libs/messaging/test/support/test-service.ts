// Starts a small in-process Nest app on the real broker, wired the way service-bootstrap wires one.
import { ValidationPipe, type INestApplication, type Provider, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import {
  AmqpConnection, EventPublisher, MessagingModule, RpcClient, connectRmqTransport, type MessagingOptions,
} from '../../src/index.js';
import { testTopology } from './test-contracts.js';

export interface TestService {
  app: INestApplication;
  rpc: RpcClient;
  publisher: EventPublisher;
  connection: AmqpConnection;
  close(): Promise<void>;
}

export async function startTestService(options: {
  url: string;
  serviceName: string;
  controllers?: Type[];
  providers?: Provider[];
  messaging?: Partial<MessagingOptions>;
}): Promise<TestService> {
  const moduleRef = await Test.createTestingModule({
    imports: [MessagingModule.forRoot({
      serviceName: options.serviceName,
      url: options.url,
      topology: testTopology,
      ...options.messaging,
    })],
    controllers: options.controllers ?? [],
    providers: options.providers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  connectRmqTransport(app);
  await app.init();
  await app.startAllMicroservices();
  let closed: Promise<void> | undefined;
  return {
    app,
    rpc: app.get(RpcClient),
    publisher: app.get(EventPublisher),
    connection: app.get(AmqpConnection),
    close: () => (closed ??= app.close()),
  };
}

/** A plain amqplib connection for looking at queues and publishing raw (malformed) messages. */
export async function openInspector(url: string): Promise<{ channel: Channel; close(): Promise<void> }> {
  const model: ChannelModel = await amqp.connect(url);
  const channel = await model.createChannel();
  return { channel, close: () => model.close() };
}

/** Drains a queue (acking), e.g. a DLQ, into the returned list. */
export async function takeAll(channel: Channel, queue: string): Promise<GetMessage[]> {
  const messages: GetMessage[] = [];
  for (let message = await channel.get(queue, { noAck: true }); message; message = await channel.get(queue, { noAck: true })) {
    messages.push(message);
  }
  return messages;
}

export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
