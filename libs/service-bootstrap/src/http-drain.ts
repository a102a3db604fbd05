import type { Server } from 'node:http';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

export const HTTP_DRAIN_MS = Symbol('HTTP_DRAIN_MS');

/**
 * Nest closes the HTTP server only after the shutdown hooks of every module began, and then waits for
 * every open connection, long-lived streams (SSE) included. This stops accepting first, gives in-flight
 * requests a bounded grace period, then cuts whatever is still open.
 */
@Injectable()
export class HttpDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(HTTP_DRAIN_MS) private readonly graceMs: number,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
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
}
