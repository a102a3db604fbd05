// The bench's OTLP/HTTP trace receiver: it only counts spans. A real collector runs on other machines; here it
// shares the 2 cores with the system measured, so it must cost as little as possible. @plinth/testing's
// receiver decodes every span into objects (what the tracing e2e needs); this walks the protobuf wire format
// (ExportTraceServiceRequest → resource_spans(1) → scope_spans(2) → spans(2)) and materializes nothing.
import { createServer } from 'node:http';

/** Reads a base-128 varint at `offset`; returns [value, nextOffset]. Pure. */
function varint(bytes, offset) {
  let value = 0;
  let shift = 0;
  let position = offset;
  for (;;) {
    if (position >= bytes.length) throw new Error('truncated varint');
    const byte = bytes[position++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, position];
    shift += 7;
  }
}

/** Calls onField(fieldNumber, start, end) for each length-delimited field of the message in bytes[start, end). Pure. */
function eachLengthDelimited(bytes, start, end, onField) {
  let offset = start;
  while (offset < end) {
    const [key, afterKey] = varint(bytes, offset);
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0: offset = varint(bytes, afterKey)[1]; break;
      case 1: offset = afterKey + 8; break;
      case 5: offset = afterKey + 4; break;
      case 2: {
        const [length, afterLength] = varint(bytes, afterKey);
        onField(field, afterLength, afterLength + length);
        offset = afterLength + length;
        break;
      }
      default: throw new Error(`unsupported wire type ${key & 7}`);
    }
  }
}

/** Spans in an OTLP protobuf ExportTraceServiceRequest. Pure. */
export function countProtobufSpans(bytes) {
  let spans = 0;
  eachLengthDelimited(bytes, 0, bytes.length, (field, start, end) => {
    if (field !== 1) return; // resource_spans
    eachLengthDelimited(bytes, start, end, (resourceField, s, e) => {
      if (resourceField !== 2) return; // scope_spans
      eachLengthDelimited(bytes, s, e, (scopeField) => {
        if (scopeField === 2) spans++; // spans
      });
    });
  });
  return spans;
}

/** Spans in an OTLP JSON ExportTraceServiceRequest. Pure. */
export const countJsonSpans = (text) =>
  (JSON.parse(text).resourceSpans ?? []).reduce((total, resource) => total + (resource.scopeSpans ?? []).reduce((sum, scope) => sum + (scope.spans?.length ?? 0), 0), 0);

/** POST /v1/traces (protobuf or JSON) on a free loopback port; `spans` is the running count. */
export async function startSpanCounter() {
  const counter = { spans: 0, requests: 0, url: '', stop: () => Promise.resolve() };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const body = Buffer.concat(chunks);
        const json = (request.headers['content-type'] ?? '').includes('json');
        counter.spans += json ? countJsonSpans(body.toString('utf8')) : countProtobufSpans(body);
        counter.requests++;
        // An empty ExportTraceServiceResponse: zero bytes in protobuf, {} in JSON.
        response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(error.message);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  counter.url = `http://127.0.0.1:${server.address().port}`;
  counter.stop = () => new Promise((resolve) => server.close(() => resolve()));
  return counter;
}
