import { spawnSync } from 'node:child_process';
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
});
