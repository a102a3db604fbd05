import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp, type Options } from 'pino-http';
import { afterEach, describe, expect, it } from 'vitest';
import { BaseServiceConfig } from '../config/base-service.config.js';
import { buildLoggerParams } from './logger-params.js';

describe('request logging', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function logLinesOfOneRequest(headers: Record<string, string>, logInHandler?: object): Promise<Record<string, unknown>[]> {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => void (lines.push(chunk.toString()), done()) });
    const config = Object.assign(new BaseServiceConfig(), { LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    const middleware = pinoHttp(buildLoggerParams('test', config).pinoHttp as Options, sink);
    server = createServer((req, res) => {
      middleware(req, res);
      if (logInHandler) req.log.info(logInHandler, 'handler line');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/orders?limit=2`, { headers });
    await new Promise((resolve) => setTimeout(resolve, 50));
    return lines.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('logs method, url and a few harmless headers, never credentials', async () => {
    const lines = await logLinesOfOneRequest({ authorization: 'Bearer secret-token', cookie: 'session=secret-cookie', 'x-api-key': 'secret-key', 'user-agent': 'probe/1' });
    const completed = lines.find((line) => line['msg'] === 'request completed');

    expect(completed?.['req']).toMatchObject({ method: 'GET', url: '/v1/orders?limit=2', headers: { 'user-agent': 'probe/1' } });
    expect(JSON.stringify(lines)).not.toMatch(/secret-(token|cookie|key)/);
  });

  it('still redacts credential fields inside logged objects', async () => {
    const lines = await logLinesOfOneRequest({}, { attempt: { password: 'hunter2-secret', email: 'a@example.com' }, refreshToken: 'rt-secret' });
    const handlerLine = lines.find((line) => line['msg'] === 'handler line');

    expect(handlerLine).toMatchObject({ attempt: { password: '[redacted]', email: 'a@example.com' }, refreshToken: '[redacted]' });
  });
});
