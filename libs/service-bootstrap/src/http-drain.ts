import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

export const HTTP_DRAIN_MS = Symbol('HTTP_DRAIN_MS');

/**
 * Nest closes the HTTP server only after the shutdown hooks of every module began, and then waits for
 * every open connection, long-lived streams (SSE) included. This stops accepting first, gives in-flight
 * requests a bounded grace period, then cuts whatever is still open.
 *
 * Keep-alive: `server.close()` only stops new connections. A client keeps sending requests on the ones it
 * has, and those were cut mid-request when the grace period ended (chaos graceful-shutdown: ECONNRESET and
 * "other side closed" on POSTs at the gateway's SIGTERM). From the start of the drain every response that
 * has not sent its headers yet — in flight or arriving later — says `Connection: close`, so clients move
 * to another replica and each connection ends after its current response.
 */
@Injectable()
export class HttpDrain implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(HTTP_DRAIN_MS) private readonly graceMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.server()?.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      if (this.draining) return closeAfter(response);
      this.inFlight.add(response);
      response.once('close', () => this.inFlight.delete(response));
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server();
    if (!server?.listening) return;
    this.draining = true;
    for (const response of this.inFlight) closeAfter(response);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.graceMs)));
    const outcome = await Promise.race([closed, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.warn(`HTTP connections still open after ${this.graceMs} ms; closing them`);
      server.closeAllConnections();
      await closed;
    }
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}

function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('Connection', 'close');
}
