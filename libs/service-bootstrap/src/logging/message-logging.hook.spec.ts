import { Controller } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { MessagePattern, RmqContext } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';
import { PinoLogger } from 'nestjs-pino';
import { Writable } from 'node:stream';
import { lastValueFrom, throwError, timer, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { messageLoggingHook } from './message-logging.hook.js';

@Controller()
class OrdersHandlers {
  @MessagePattern('orders.create')
  create(): string {
    return 'created';
  }
}

const lines: Record<string, unknown>[] = [];
const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => void (lines.push(...chunk.toString().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)), done()) });
const pino = new PinoLogger({ pinoHttp: [{ level: 'info' }, sink] });
const hook = messageLoggingHook(pino);

function contextOf(headers: Record<string, unknown>) {
  const message = { properties: { headers }, fields: {}, content: Buffer.from('{}') } as unknown as ConsumeMessage;
  const context = new ExecutionContextHost([{}, new RmqContext([message, {}, 'orders.create'])], OrdersHandlers, OrdersHandlers.prototype.create);
  context.setType('rpc');
  return context;
}

describe('messageLoggingHook', () => {
  it('gives lines logged by the handler the request id, across awaits, and writes nothing for a success at info', async () => {
    lines.length = 0;
    const handled = hook(contextOf({ 'x-request-id': 'req-1' }), () => timer(5).pipe(map(() => (pino.info('inside the handler'), 'done'))));
    await expect(lastValueFrom(handled)).resolves.toBe('done');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([expect.objectContaining({ msg: 'inside the handler', request_id: 'req-1' })]);
  });

  it('logs a failure at error with the message, response time and request id, and passes the error on', async () => {
    lines.length = 0;
    const failure = new Error('boom');
    await expect(lastValueFrom(hook(contextOf({ 'x-request-id': 'req-2' }), () => throwError(() => failure)))).rejects.toBe(failure);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50, msg: 'message errored', request_id: 'req-2', responseTime: expect.any(Number),
        rpc: expect.objectContaining({ type: 'message', pattern: 'orders.create', controller: 'OrdersHandlers', handler: 'create' }),
        err: expect.objectContaining({ message: 'boom' }),
      }),
    ]);
  });

  it('binds nothing for a message without a request id, and logs the completion at debug', async () => {
    lines.length = 0;
    PinoLogger.root.level = 'debug';
    try {
      await lastValueFrom(hook(contextOf({}), () => timer(1).pipe(map(() => (pino.info('event handler line'), 1)))));
    } finally {
      PinoLogger.root.level = 'info';
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => [line['msg'], 'request_id' in line])).toEqual([['event handler line', false], ['message completed', false]]);
    expect(lines[1]).toMatchObject({ level: 20, rpc: { pattern: 'orders.create' }, responseTime: expect.any(Number) });
  });
});
