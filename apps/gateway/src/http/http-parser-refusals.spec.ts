// What Node's HTTP layer refuses before Express runs, over a real socket: each answer is problem+json.
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { rawHttpExchange, type RawHttpResponse } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';

let t: GatewayTestApp;
let port: number;

beforeAll(async () => {
  t = await createGatewayTestApp({ config: { HTTP_HEADERS_TIMEOUT_MS: 1_000, HTTP_REQUEST_TIMEOUT_MS: 1_000 } });
  await t.app.listen(0, '127.0.0.1');
  port = (t.app.getHttpServer().address() as AddressInfo).port;
});
afterAll(() => t.close());

const exchange = (raw: string) => rawHttpExchange(port, raw);

const expectRawProblem = (response: RawHttpResponse, status: number, code: string) => {
  expect(response.statusLine, JSON.stringify(response)).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  expect(response.headers['content-type']).toBe('application/problem+json');
  expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
  expect(response.headers['cache-control']).toBe('no-store');
  const problem = JSON.parse(response.body);
  expect(problem).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
  expect(problem.requestId).toBe(response.headers['x-request-id']);
  return problem;
};

describe('refusals of the HTTP parser are problem+json', () => {
  it('431 for headers larger than Node accepts', async () => {
    const response = await exchange(`GET /v1/orders HTTP/1.1\r\nHost: gateway\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectRawProblem(response, 431, 'HTTP.HEADERS_TOO_LARGE');
  });

  it.each([
    ['a request line with junk after the version', 'GET /v1/orders HTTP/1.1 junk\r\nHost: gateway\r\n\r\n'],
    ['no request line at all', 'GARBAGE\r\n\r\n'],
    ['an unknown HTTP version', 'GET /v1/orders HTTP/7.3\r\nHost: gateway\r\n\r\n'],
    ['a control character in a header value', 'GET /v1/orders HTTP/1.1\r\nHost: gateway\r\nX-Bad: a\u0001b\r\n\r\n'],
    ['a header without a colon', 'GET /v1/orders HTTP/1.1\r\nHost gateway\r\n\r\n'],
    ['both Content-Length and Transfer-Encoding', 'POST /v1/orders HTTP/1.1\r\nHost: gateway\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a malformed chunk size', 'POST /v1/orders HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
  ])('400 for %s', async (_case, raw) => {
    const problem = expectRawProblem(await exchange(raw), 400, 'HTTP.MALFORMED_REQUEST');
    expect(problem.detail).toBe('The request is not valid HTTP/1.1.');
  });

  it('408 for a request that trickles in too slowly', async () => {
    // Headers never finished: Node's deadline check (every second here) gives up after HTTP_HEADERS_TIMEOUT_MS.
    expectRawProblem(await exchange('GET /v1/orders HTTP/1.1\r\nHost: gateway\r\n'), 408, 'HTTP.REQUEST_TIMEOUT');
  });

  it('417 with the path for an Expect header other than 100-continue', async () => {
    const response = await exchange('GET /v1/orders?limit=1 HTTP/1.1\r\nHost: gateway\r\nExpect: teapot\r\nX-Request-Id: expect-1\r\n\r\n');
    const problem = expectRawProblem(response, 417, 'HTTP.EXPECTATION_FAILED');
    expect(problem).toMatchObject({ instance: '/v1/orders', requestId: 'expect-1' });
  });

  it('still answers Expect: 100-continue with 100, then serves the request', async () => {
    const { informational, status } = await new Promise<{ informational: number[]; status: number }>((resolve, reject) => {
      const seen: number[] = [];
      const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/v1/auth/login', headers: { 'content-type': 'application/json', expect: '100-continue' } });
      req.on('continue', () => {
        seen.push(100);
        req.end('{}');
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ informational: seen, status: res.statusCode ?? 0 });
      });
      req.on('error', reject);
    });
    expect(informational).toEqual([100]);
    expect(status).toBe(400);
  });

  it('leaves a well-formed request to Express (keep-alive intact)', async () => {
    const response = await exchange('GET /v1/nowhere HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n');
    expect(response.statusLine).toMatch(/^HTTP\/1\.1 404 /);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
