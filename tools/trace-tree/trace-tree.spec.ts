import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Two services' spans as the collector's file exporter writes them: one OTLP/JSON request per line. */
function exportFile(): { path: string; traceId: string } {
  const gateway = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'gateway' }) }).getTracer('t');
  const orders = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'orders' }) }).getTracer('t');
  const server = gateway.startSpan('POST /v1/orders', { kind: SpanKind.SERVER, attributes: { 'http.route': '/v1/orders' } });
  const publish = gateway.startSpan('publish <default>', { kind: SpanKind.PRODUCER }, trace.setSpan(context.active(), server));
  const consume = orders.startSpan('orders.rpc process', { kind: SpanKind.CONSUMER }, trace.setSpan(context.active(), publish));
  const query = orders.startSpan('pg.query:INSERT', { kind: SpanKind.CLIENT, attributes: { 'db.query.text': 'insert into "orders" values (?)' } }, trace.setSpan(context.active(), consume));
  for (const span of [query, consume, publish, server]) span.end();
  const spans = [server, publish, consume, query] as unknown as ReadableSpan[];
  const lines = [spans.slice(0, 2), spans.slice(2)].map((part) => Buffer.from(JsonTraceSerializer.serializeRequest(part) as Uint8Array).toString('utf8'));
  const path = join(mkdtempSync(join(tmpdir(), 'trace-tree-')), 'traces.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, traceId: server.spanContext().traceId };
}

const traceTree = (...args: string[]) =>
  spawnSync(join(root, 'node_modules', '.bin', 'node'), [join(root, 'tools', 'trace-tree', 'trace-tree.mjs'), ...args], { encoding: 'utf8' });

describe('trace-tree', () => {
  it('prints the trace from an OTLP file export as a tree indented by parent, with service, kind and duration', () => {
    const { path, traceId } = exportFile();
    const result = traceTree(traceId, '--file', path);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`trace ${traceId}: 4 spans, 2 services`);
    expect(lines.slice(1).map((line) => line.replace(/ \+[\d.]+ms [\d.]+ms/, ''))).toEqual([
      'POST /v1/orders [gateway server]  http.route="/v1/orders"',
      '  publish <default> [gateway producer]',
      '    orders.rpc process [orders consumer]',
      '      pg.query:INSERT [orders client]  db.query.text="insert into \\"orders\\" values (?)"',
    ]);
  });

  it('fails with a message when the trace is not in the source', () => {
    const { path } = exportFile();
    const result = traceTree('0'.repeat(32), '--file', path);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`trace ${'0'.repeat(32)}: no spans found\n`);
  });

  it('reads the trace from Jaeger\'s HTTP API (/api/traces/<id>)', async () => {
    const traceId = 'ab'.repeat(16);
    const jaegerTrace = {
      data: [{
        traceID: traceId,
        processes: { p1: { serviceName: 'gateway' }, p2: { serviceName: 'notifications' } },
        spans: [
          { spanID: 'b2', operationName: 'notifications.events process', processID: 'p2', startTime: 1_000_500, duration: 2_000,
            references: [{ refType: 'CHILD_OF', traceID: traceId, spanID: 'a1' }], tags: [{ key: 'span.kind', value: 'consumer' }, { key: 'messaging.rabbitmq.routing_key', value: 'orders.order.created' }] },
          { spanID: 'a1', operationName: 'POST /v1/orders', processID: 'p1', startTime: 1_000_000, duration: 4_000, references: [], tags: [{ key: 'span.kind', value: 'server' }] },
        ],
      }],
    };
    const requested: string[] = [];
    const jaeger = createServer((request, response) => {
      requested.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jaegerTrace));
    });
    await new Promise<void>((resolve) => jaeger.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(jaeger.address() as AddressInfo).port}`;
      // Async spawn: the fake Jaeger answers on this process's event loop.
      const child = spawn(join(root, 'node_modules', '.bin', 'node'), [join(root, 'tools', 'trace-tree', 'trace-tree.mjs'), traceId, '--jaeger', url]);
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(status).toBe(0);
      expect(requested).toEqual([`/api/traces/${traceId}`]);
      expect(stdout.trimEnd().split('\n')).toEqual([
        `trace ${traceId}: 2 spans, 2 services`,
        'POST /v1/orders [gateway server] +0.0ms 4.0ms',
        '  notifications.events process [notifications consumer] +0.5ms 2.0ms  messaging.rabbitmq.routing_key="orders.order.created"',
      ]);
    } finally {
      await new Promise((resolve) => jaeger.close(resolve));
    }
  });
});
