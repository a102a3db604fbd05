import { once } from 'node:events';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesceSocketWrites } from './coalesce-socket-writes.js';

describe('coalesceSocketWrites', () => {
  let server: Server;
  let received: Buffer[];
  let client: Socket;

  beforeEach(async () => {
    received = [];
    server = createServer((peer) => peer.on('data', (chunk: Buffer) => received.push(chunk)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = new Socket();
    client.connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
  });

  afterEach(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const bytesReceived = () => Buffer.concat(received).toString();

  it('sends the frames written in one tick with a single writev, in order', async () => {
    coalesceSocketWrites(client);
    const writev = vi.spyOn(client as unknown as { _writev: (...args: unknown[]) => void }, '_writev');
    const write = vi.spyOn(client as unknown as { _write: (...args: unknown[]) => void }, '_write');

    client.write(Buffer.from('method|'));
    client.write(Buffer.from('header|'));
    client.write(Buffer.from('body|'));
    await new Promise((resolve) => setImmediate(resolve));
    client.write(Buffer.from('next-tick'));
    await vi.waitFor(() => expect(bytesReceived()).toBe('method|header|body|next-tick'));

    expect(writev).toHaveBeenCalledTimes(1);
    expect((writev.mock.calls[0][0] as unknown[]).length).toBe(3);
    expect(write).toHaveBeenCalledTimes(1); // the lone write of the later tick
  });

  it('flushes before the next tick, so nothing waits for more writes', async () => {
    coalesceSocketWrites(client);
    client.write(Buffer.from('alone'));
    await new Promise((resolve) => process.nextTick(resolve));
    expect(client.writableCorked).toBe(0);
    await vi.waitFor(() => expect(bytesReceived()).toBe('alone'));
  });
});
