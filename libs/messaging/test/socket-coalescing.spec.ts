// Proves on the real broker that amqplib's socket is found and that a burst of publishes leaves in few writes.
import { connect, type ChannelModel } from 'amqplib';
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { coalesceSocketWrites, socketOf } from '../src/connection/coalesce-socket-writes.js';
import { createTestVhost, type TestVhost } from './support/test-vhost.js';

describe('write coalescing on an amqplib connection', () => {
  let vhost: TestVhost;
  let model: ChannelModel;

  beforeAll(async () => {
    vhost = await createTestVhost('coalescing');
    model = await connect(vhost.url, { noDelay: true });
  });

  afterAll(async () => {
    await model?.close().catch(() => undefined);
    await vhost?.drop();
  });

  it('finds the TCP socket under the connection (amqplib keeps it untyped, so an upgrade could move it)', () => {
    expect(socketOf(model)).toBeInstanceOf(Socket);
  });

  it('sends 50 publishes made in one tick with a handful of writes, and the broker gets all of them in order', async () => {
    const socket = socketOf(model) as Socket;
    coalesceSocketWrites(socket);
    const channel = await model.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    const writev = vi.spyOn(socket as unknown as { _writev: (...args: unknown[]) => void }, '_writev');
    const write = vi.spyOn(socket as unknown as { _write: (...args: unknown[]) => void }, '_write');

    for (let i = 0; i < 50; i++) channel.sendToQueue(queue, Buffer.from(String(i)));
    const received: string[] = [];
    await channel.consume(queue, (message) => message && received.push(message.content.toString()), { noAck: true });
    await vi.waitFor(() => expect(received).toHaveLength(50));

    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    // 150 frames (method, header, body per message) without coalescing; amqplib's muxer hands them over
    // across a few ticks, each one writev.
    expect(writev.mock.calls.length + write.mock.calls.length).toBeLessThan(10);
  });
});
