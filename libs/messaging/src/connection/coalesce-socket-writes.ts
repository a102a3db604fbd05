import { Socket } from 'node:net';
import type { ChannelModel } from 'amqplib';

/**
 * amqplib writes every frame on its own — a publish is three (method, header, body), an ack one more — and
 * on loopback each socket write is a syscall that also wakes the broker. Corking the socket at the first
 * write of a tick and uncorking it when the tick's synchronous work is done sends all of that tick's frames
 * with one writev, in order. Nothing waits longer than the current tick, so latency does not grow.
 */
export function coalesceSocketWrites(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function coalescedWrite(this: Socket, ...args: Parameters<Socket['write']>): boolean {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}

/** The TCP (or TLS) socket under an amqplib connection; amqplib keeps it as `connection.stream`, untyped. */
export function socketOf(model: ChannelModel): Socket | undefined {
  const stream = (model.connection as { stream?: unknown }).stream;
  return stream instanceof Socket ? stream : undefined;
}
