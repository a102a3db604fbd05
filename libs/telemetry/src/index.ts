export { flushTelemetry } from './flush-telemetry.js';
export { traceLogFields } from './trace-log-fields.js';
export { telemetrySettings, type TelemetrySettings } from './telemetry.config.js';
export { TRACE_RESPONSE_HEADER, traceResponseHeader } from './trace-response-header.js';
export { ServiceMetrics, type HandlerKind, type HandlerOutcome } from './metrics/service-metrics.js';
export { httpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
export { expositionFormatFor, type ExpositionFormat } from './metrics/exposition-format.js';
export { sampledTraceExemplar, type TraceExemplar } from './metrics/trace-exemplar.js';
export { CERTIFICATE_EXPIRY_METRIC, certificateNotAfterSeconds, exportCertificateExpiry } from './metrics/certificate-expiry.js';
