import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpAdapterHost } from '@nestjs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpDrain } from './http-drain.js';

const GRACE_MS = 3_000;

function get(port: number, agent: Agent): Promise<IncomingMessage & { body: string }> {
  return new Promise((resolve, reject) => {
    request({ port, host: '127.0.0.1', path: '/', agent }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(Object.assign(response, { body })));
    }).on('error', reject).end();
  });
}

describe('HttpDrain', () => {
  let server: Server;
  afterEach(() => server?.closeAllConnections());

  it('answers in-flight keep-alive requests with Connection: close, so the drain ends before its grace period', async () => {
    // Each request waits until the test opens the gate.
    let openGate: () => void = () => undefined;
    server = createServer((_request, response) => {
      void new Promise<void>((resolve) => (openGate = resolve)).then(() => response.end('done'));
    });
    server.keepAliveTimeout = 60_000;
    const drain = new HttpDrain({ httpAdapter: { getHttpServer: () => server } } as unknown as HttpAdapterHost, GRACE_MS);
    drain.onApplicationBootstrap();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });

    const warm = get(port, agent);
    await new Promise((resolve) => setTimeout(resolve, 50));
    openGate();
    expect((await warm).headers.connection).toBe('keep-alive'); // the agent now reuses this connection

    const inFlight = get(port, agent);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const drained = drain.beforeApplicationShutdown();
    openGate();
    expect((await inFlight).headers.connection).toBe('close');
    await drained;
    expect(Date.now() - started).toBeLessThan(GRACE_MS);
    agent.destroy();
  });
});
