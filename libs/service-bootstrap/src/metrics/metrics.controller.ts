import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { expositionFormatFor, ServiceMetrics } from '@plinth/telemetry';

/**
 * Prometheus scrape endpoint of every service (pod annotation / ServiceMonitor target): OpenMetrics with exemplars
 * when the scraper asks for it (Prometheus does), the classic text format otherwise.
 */
// A scrape target inside the cluster, in Prometheus' formats; the ingress keeps it from the public API.
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: ServiceMetrics) {}

  @Get('metrics')
  async scrape(@Headers('accept') accept: string | undefined, @Res() response: Response): Promise<void> {
    const format = expositionFormatFor(accept);
    response.setHeader('content-type', this.metrics.contentTypeOf(format));
    response.setHeader('vary', 'Accept');
    response.send(await this.metrics.exposition(format));
  }
}
