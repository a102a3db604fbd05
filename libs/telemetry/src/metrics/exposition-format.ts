import { Registry } from 'prom-client';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const EXPOSITION_CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: Registry.PROMETHEUS_CONTENT_TYPE,
  openmetrics: Registry.OPENMETRICS_CONTENT_TYPE,
};

/**
 * Content negotiation for /metrics: OpenMetrics (which carries exemplars) when the scraper prefers it — Prometheus
 * asks for it first — and the classic text format (promtool, curl, anything else) otherwise.
 */
export function expositionFormatFor(accept: string | undefined): ExpositionFormat {
  let openMetrics = 0;
  let classic = 0;
  for (const range of (accept ?? '').split(',')) {
    const [mediaType = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const qParameter = parameters.find((parameter) => parameter.startsWith('q='));
    const quality = qParameter === undefined ? 1 : Number(qParameter.slice(2)) || 0;
    if (mediaType === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, quality);
    else if (mediaType === 'text/plain') classic = Math.max(classic, quality);
  }
  return openMetrics > 0 && openMetrics >= classic ? 'openmetrics' : 'prometheus';
}
