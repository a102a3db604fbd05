export { flushTelemetry } from './flush-telemetry.js';
export { traceLogFields } from './trace-log-fields.js';
export { telemetrySettings, type TelemetrySettings } from './telemetry.config.js';
export { TRACE_RESPONSE_HEADER, traceResponseHeader } from './trace-response-header.js';
