// Plinth's side of the RPC yardstick: the same load as /work/shared/bench/rpc-baseline.mjs (N requests,
// INFLIGHT at a time, {n, payload: 200 × 'x'} in, {echo: n} back), but through libs/messaging: RpcClient
// in one Nest app, a @MessagePattern echo handler behind RmqServer (ValidationPipe + interceptors as the
// services wire them) in another, each with its own AmqpConnection — like the baseline's two connections
// in one process. Prints one JSON line with the baseline's fields.
//
// usage: AMQP_URL=amqp://…/<vhost> node tools/bench/rpc-plinth.mjs [requests=20000] [inflight=64]
//        PREFETCH=<n> overrides the messaging lib's default consumer prefetch.
// Needs the built libs (npx tsc -b tsconfig.json): it imports @plinth/messaging's dist like a service does.
import 'reflect-metadata';
import { Controller, Module, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { MessagingModule, RpcClient, connectRmqTransport } from '@plinth/messaging';
import { performance } from 'node:perf_hooks';

const N = Number(process.argv[2] ?? 20000);
const INFLIGHT = Number(process.argv[3] ?? 64);
const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const ECHO = 'rpcbench.echo';
const topology = {
  eventsExchange: 'rpcbench.events', rpcServices: ['rpcbench'], durableSubscriptions: {}, broadcastSubscriptions: {}, eventPublishers: {},
  rpcCalls: { 'rpcbench-client': ['rpcbench'] },
};
const messaging = (serviceName) =>
  MessagingModule.forRoot({ serviceName, url, topology, ...(process.env.PREFETCH ? { prefetch: Number(process.env.PREFETCH) } : {}) });

// Plain JS has no decorator syntax: apply Nest's decorators the way TypeScript's emit would.
const decorate = (decorators, target, key) => Reflect.decorate(decorators, target, key, key && Object.getOwnPropertyDescriptor(target, key));

class EchoHandlers {
  echo(request) {
    return { echo: request.n };
  }
}
decorate([Controller()], EchoHandlers);
decorate([MessagePattern(ECHO)], EchoHandlers.prototype, 'echo');
Reflect.defineMetadata('design:paramtypes', [Object], EchoHandlers.prototype, 'echo');
Payload()(EchoHandlers.prototype, 'echo', 0);

class ServerModule {}
decorate([Module({ imports: [messaging('rpcbench')], controllers: [EchoHandlers] })], ServerModule);
class ClientModule {}
decorate([Module({ imports: [messaging('rpcbench-client')] })], ClientModule);

const server = await NestFactory.create(ServerModule, { logger: ['error'] });
server.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
connectRmqTransport(server);
await server.init();
await server.startAllMicroservices();
const client = await NestFactory.create(ClientModule, { logger: ['error'] });
await client.init();
const rpc = client.get(RpcClient);

// The client attaches asynchronously after init; the first call that succeeds proves the round trip works.
for (let attempt = 0; ; attempt++) {
  try {
    await rpc.send(ECHO, { n: 'probe', payload: '' }, { timeoutMs: 2000 });
    break;
  } catch (error) {
    if (attempt > 100) throw error;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const payload = 'x'.repeat(200);
const latencies = [];
let sent = 0;
let failed = 0;
const t0 = performance.now();
const worker = async () => {
  while (sent < N) {
    const n = String(sent++);
    const start = performance.now();
    try {
      await rpc.send(ECHO, { n, payload });
      latencies.push(performance.now() - start);
    } catch {
      failed++;
    }
  }
};
await Promise.all(Array.from({ length: INFLIGHT }, worker));
const seconds = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const q = (p) => +latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2);
console.log(JSON.stringify({ kind: 'plinth-messaging-rpc', requests: N, inflight: INFLIGHT, rps: Math.round(N / seconds), p50_ms: q(0.5), p99_ms: q(0.99), errors: failed }));
await client.close();
await server.close();
process.exit(0);
