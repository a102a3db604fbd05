#!/usr/bin/env node
// Prints one trace as an indented tree with durations, so it can be read without a browser:
//   node tools/trace-tree/trace-tree.mjs <trace-id> [--jaeger http://127.0.0.1:16686] [--file traces.jsonl]
// Sources: Jaeger's HTTP API (default http://127.0.0.1:16686, the compose stack's Jaeger), or a file of OTLP/JSON
// export requests, one per line (the collector's `file` exporter, docker/observability/otel-collector.yaml).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const KIND = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };
// The attributes that say what a span did, in the order they are worth reading.
const KEY_ATTRIBUTES = [
  'http.request.method', 'http.route', 'url.path', 'http.response.status_code',
  'messaging.rabbitmq.routing_key', 'messaging.destination', 'messaging.operation',
  'db.namespace', 'db.query.text',
];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { jaeger: { type: 'string' }, file: { type: 'string' }, attributes: { type: 'boolean', default: true } },
});
const traceId = positionals[0]?.toLowerCase();
if (!traceId || !/^[0-9a-f]{32}$/.test(traceId)) {
  process.stderr.write('usage: trace-tree <32-hex trace id> [--jaeger URL | --file otlp.jsonl]\n');
  process.exit(2);
}

const spans = values.file ? fromOtlpFile(values.file, traceId) : await fromJaeger(values.jaeger ?? 'http://127.0.0.1:16686', traceId);
if (spans.length === 0) {
  process.stderr.write(`trace ${traceId}: no spans found\n`);
  process.exit(1);
}
process.stdout.write(render(spans));

/** @returns {{ spanId: string, parentSpanId?: string, name: string, kind: string, service: string, startNs: bigint, endNs: bigint, attributes: Record<string, unknown>, error: boolean }[]} */
function fromOtlpFile(path, wanted) {
  const out = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    for (const resourceSpans of JSON.parse(line).resourceSpans ?? []) {
      const resource = attributesOf(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          if (span.traceId.toLowerCase() !== wanted) continue;
          out.push({
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            kind: KIND[span.kind] ?? 'unspecified',
            service: String(resource['service.name'] ?? '?'),
            startNs: BigInt(span.startTimeUnixNano),
            endNs: BigInt(span.endTimeUnixNano),
            attributes: attributesOf(span.attributes),
            error: span.status?.code === 2,
          });
        }
      }
    }
  }
  return out;
}

async function fromJaeger(baseUrl, wanted) {
  const response = await fetch(`${baseUrl.replace(/\/$/, '')}/api/traces/${wanted}`);
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`Jaeger answered ${response.status} ${await response.text()}`);
  const body = await response.json();
  return (body.data ?? []).flatMap((trace) =>
    trace.spans.map((span) => {
      const tags = Object.fromEntries(span.tags.map((tag) => [tag.key, tag.value]));
      const parent = span.references.find((reference) => reference.refType === 'CHILD_OF');
      return {
        spanId: span.spanID,
        parentSpanId: parent?.spanID,
        name: span.operationName,
        kind: String(tags['span.kind'] ?? 'internal'),
        service: trace.processes[span.processID]?.serviceName ?? '?',
        startNs: BigInt(span.startTime) * 1000n,
        endNs: (BigInt(span.startTime) + BigInt(span.duration)) * 1000n,
        attributes: tags,
        error: tags.error === true || tags['otel.status_code'] === 'ERROR',
      };
    }),
  );
}

function attributesOf(list = []) {
  return Object.fromEntries(list.map(({ key, value = {} }) => [key, value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue ?? '']));
}

function render(all) {
  const ids = new Set(all.map((span) => span.spanId));
  const children = new Map();
  for (const span of all) {
    // A parent outside the trace (a client's own span, or not exported yet) makes the span a root.
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : '';
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  for (const list of children.values()) list.sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
  const origin = all.reduce((min, span) => (span.startNs < min ? span.startNs : min), all[0].startNs);
  const ms = (ns) => (Number(ns) / 1e6).toFixed(1);
  const lines = [`trace ${traceId}: ${all.length} spans, ${new Set(all.map((span) => span.service)).size} services`];
  const walk = (span, depth) => {
    const attributes = values.attributes
      ? KEY_ATTRIBUTES.filter((key) => span.attributes[key] !== undefined && span.attributes[key] !== '')
          .map((key) => `${key}=${JSON.stringify(span.attributes[key]).slice(0, 80)}`)
          .join(' ')
      : '';
    lines.push(
      `${'  '.repeat(depth)}${span.error ? '✗ ' : ''}${span.name} [${span.service} ${span.kind}] ` +
        `+${ms(span.startNs - origin)}ms ${ms(span.endNs - span.startNs)}ms${attributes ? `  ${attributes}` : ''}`,
    );
    for (const child of children.get(span.spanId) ?? []) walk(child, depth + 1);
  };
  for (const root of children.get('') ?? []) walk(root, 0);
  return `${lines.join('\n')}\n`;
}
