import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { decodeTraceRequestProtobuf } from './otlp-trace-schema.js';

/** One received span, flattened: ids in hex, attribute values as plain JS values, its resource's service.name. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  service: string;
  scope: string;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  status: { code?: number; message?: string };
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
}

export const SpanKind = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/**
 * A real OTLP/HTTP trace receiver on loopback (POST /v1/traces, http/protobuf and http/json), keeping every
 * span it was sent. Point services at it with `OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url`.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Content types of the export requests, to prove which protocol the exporters used. */
  readonly contentTypes = new Set<string>();
  /** Every decoded request as JSON text, for "no secret anywhere in telemetry" assertions. */
  readonly rawRequests: string[] = [];

  private constructor(private readonly server: Server, private readonly scheme: 'http' | 'https') {}

  /** With `tls`, an https:// receiver (OTLP over TLS) with that certificate. */
  static async start(tls?: { certFile: string; keyFile: string }): Promise<OtlpReceiver> {
    const server = tls ? (createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }) as unknown as Server) : createServer();
    const receiver = new OtlpReceiver(server, tls ? 'https' : 'http');
    server.on('request', (request, response) => {
      receiver.receive(request).then(
        (status) => response.writeHead(status, { 'content-type': 'application/json' }).end('{}'),
        (error: Error) => response.writeHead(400, { 'content-type': 'text/plain' }).end(error.message),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The base URL for OTEL_EXPORTER_OTLP_ENDPOINT (exporters append /v1/traces). */
  get url(): string {
    return `${this.scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  /** Polls until `predicate` holds over the spans received so far (exporters batch), or fails with `what`. */
  async waitFor(what: string, predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.spans)) {
      if (Date.now() > deadline) throw new Error(`OTLP receiver: timed out waiting for ${what} (${this.spans.length} spans received)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async receive(request: IncomingMessage): Promise<number> {
    if (request.method !== 'POST' || request.url !== '/v1/traces') return 404;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    this.contentTypes.add(contentType);
    const decoded = contentType === 'application/x-protobuf' ? fromProtobuf(decodeTraceRequestProtobuf(body)) : JSON.parse(body.toString('utf8'));
    this.rawRequests.push(JSON.stringify(decoded));
    this.spans.push(...flatten(decoded as ExportRequest));
    return 200;
  }
}

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface WireSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValue[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number; message?: string };
}
interface ExportRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: WireSpan[] }[] }[];
}

/** Protobuf bytes fields decode as base64; OTLP/JSON carries trace and span ids as hex. */
function fromProtobuf(decoded: unknown): ExportRequest {
  const request = decoded as ExportRequest;
  const hex = (base64: string | undefined) => (base64 ? Buffer.from(base64, 'base64').toString('hex') : undefined);
  for (const resourceSpans of request.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        span.traceId = hex(span.traceId) ?? '';
        span.spanId = hex(span.spanId) ?? '';
        span.parentSpanId = hex(span.parentSpanId);
        for (const link of span.links ?? []) Object.assign(link, { traceId: hex(link.traceId), spanId: hex(link.spanId) });
      }
    }
  }
  return request;
}

function flatten(request: ExportRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
        name: span.name,
        kind: span.kind ?? 0,
        service: String(resource['service.name'] ?? ''),
        scope: scopeSpans.scope?.name ?? '',
        attributes: attributesOf(span.attributes),
        links: (span.links ?? []).map((link) => ({ traceId: link.traceId, spanId: link.spanId })),
        status: span.status ?? {},
        startTimeUnixNano: BigInt(span.startTimeUnixNano),
        endTimeUnixNano: BigInt(span.endTimeUnixNano),
      })),
    );
  });
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((entry) => [entry.key, valueOf(entry.value)]));
}

function valueOf(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.kvlistValue) return attributesOf(value.kvlistValue.values);
  return value.bytesValue;
}
