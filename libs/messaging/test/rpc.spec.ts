import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPC_EXCHANGE, RPC_REPLIES_EXCHANGE, RemoteError, RpcTimeoutError, replyQueuePrefixOf } from '../src/index.js';
import { CalcHandlers } from './support/calc-handlers.js';
import { CalcRpc } from './support/test-contracts.js';
import { openInspector, sleep, startTestService, type TestService } from './support/test-service.js';
import { createTestVhost, type TestVhost } from './support/test-vhost.js';

describe('RPC over RabbitMQ', () => {
  let vhost: TestVhost;
  let server: TestService;
  let client: TestService;

  beforeAll(async () => {
    vhost = await createTestVhost('rpc');
    server = await startTestService({ url: vhost.url, serviceName: 'calc', controllers: [CalcHandlers] });
    client = await startTestService({ url: vhost.url, serviceName: 'caller' });
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    await vhost?.drop();
  });

  it('returns the handler result to the caller, with the payload validated into the DTO class', async () => {
    await expect(client.rpc.send(CalcRpc.add, { a: 2, b: 3 })).resolves.toEqual({ sum: 5, isInstance: true });
  });

  it('carries caller headers to the handler', async () => {
    await expect(client.rpc.send(CalcRpc.requestId, {}, { headers: { 'x-request-id': 'req-42' } })).resolves.toEqual({ requestId: 'req-42' });
  });

  it('keeps concurrent calls apart by correlation id', async () => {
    const sums = await Promise.all(Array.from({ length: 50 }, (_, i) => client.rpc.send<{ sum: number }>(CalcRpc.add, { a: i, b: 1 })));
    expect(sums.map((result) => result.sum)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('rejects with RpcTimeoutError (COMMON.TIMEOUT) when no reply arrives in time, and drops the late reply', async () => {
    const call = client.rpc.send(CalcRpc.sleep, { ms: 400 }, { timeoutMs: 100 });
    await expect(call).rejects.toBeInstanceOf(RpcTimeoutError);
    await expect(call).rejects.toMatchObject({ code: ErrorCodes.TIMEOUT });
    await sleep(500); // the late reply arrives now and must be ignored
    await expect(client.rpc.send(CalcRpc.add, { a: 1, b: 1 })).resolves.toMatchObject({ sum: 2 });
  });

  it('delivers an ApplicationError thrown by the handler as RemoteError with its code, message and details', async () => {
    const error = await client.rpc.send(CalcRpc.refuse, {}).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toBeInstanceOf(ApplicationError);
    expect(error).toMatchObject({ code: 'CALC.REFUSED', message: 'Refusing on purpose', details: { limit: 3 } });
  });

  it('answers an invalid payload with VALIDATION_FAILED and field errors, and keeps serving', async () => {
    const error = await client.rpc.send(CalcRpc.add, { a: 'x', b: 5000, extra: true }).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: ErrorCodes.VALIDATION_FAILED });
    const fields = (error as RemoteError).details?.fieldErrors?.map((fieldError) => fieldError.field).sort();
    expect(fields).toEqual(['a', 'b', 'extra']);
    await expect(client.rpc.send(CalcRpc.add, { a: 1, b: 2 })).resolves.toMatchObject({ sum: 3 });
  });

  it('hides unexpected handler errors behind a generic COMMON.INTERNAL', async () => {
    const error = await client.rpc.send(CalcRpc.crash, {}).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: ErrorCodes.INTERNAL, message: 'Internal error' });
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });

  it('refuses to send to a service the caller does not call, before the broker would (and close its channel)', async () => {
    await expect(server.rpc.send(CalcRpc.add, { a: 1, b: 1 })).rejects.toThrow('calc does not call calc (RpcCalls): cannot send calc.add');
  });

  it('answers a pattern without handler with COMMON.UNKNOWN_PATTERN', async () => {
    await expect(client.rpc.send(CalcRpc.missing, {})).rejects.toMatchObject({ code: ErrorCodes.UNKNOWN_PATTERN });
  });

  /** Sends raw `content` to calc with a reply queue named `replyQueue`, and returns the reply (or null after `waitMs`). */
  async function rawCall(content: string, replyQueue = `${replyQueuePrefixOf('caller')}raw-${Date.now()}`, waitMs = 5000) {
    const inspector = await openInspector(vhost.url);
    try {
      const { queue } = await inspector.channel.assertQueue(replyQueue, { exclusive: true });
      await inspector.channel.bindQueue(queue, RPC_REPLIES_EXCHANGE, queue);
      inspector.channel.publish(RPC_EXCHANGE, CalcRpc.add, Buffer.from(content), { type: CalcRpc.add, replyTo: queue, correlationId: 'raw-1' });
      let reply = await inspector.channel.get(queue, { noAck: true });
      for (let waited = 0; !reply && waited < waitMs; waited += 25) {
        await sleep(25);
        reply = await inspector.channel.get(queue, { noAck: true });
      }
      return reply || null;
    } finally {
      await inspector.close();
    }
  }

  it('answers malformed JSON with VALIDATION_FAILED and keeps consuming', async () => {
    const reply = await rawCall('{not json');
    expect(reply && JSON.parse(reply.content.toString())).toEqual({
      ok: false, error: { code: ErrorCodes.VALIDATION_FAILED, message: 'Malformed JSON payload' },
    });
    expect(reply && reply.properties.correlationId).toBe('raw-1');
    await expect(client.rpc.send(CalcRpc.add, { a: 4, b: 4 })).resolves.toMatchObject({ sum: 8 });
  });

  it('answers only reply queues of its callers: a forged replyTo gets nothing, and the server keeps serving', async () => {
    // 'stranger' calls nobody in the topology; with least privilege the broker would refuse calc that reply
    // and close its channel. A reply queue of a caller has one segment after the prefix.
    expect(await rawCall('{"a":1,"b":1}', `${replyQueuePrefixOf('stranger')}forged`, 1000)).toBeNull();
    expect(await rawCall('{"a":1,"b":1}', `${replyQueuePrefixOf('caller')}two.segments`, 1000)).toBeNull();
    expect(await rawCall('{"a":1,"b":1}')).not.toBeNull();
    await expect(client.rpc.send(CalcRpc.add, { a: 1, b: 2 })).resolves.toMatchObject({ sum: 3 });
  });
});
