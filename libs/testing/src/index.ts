export * from './test-database.js';
export * from './test-vhost.js';
export * from './start-system.js';
export * from './describe-migrations.js';
export { freePort } from './free-port.js';
export { ServiceProcess } from './service-process.js';
export { workspaceRoot } from './workspace-root.js';
export { testInfrastructure } from './test-infrastructure.config.js';
export { OtlpReceiver, SpanKind, type ReceivedSpan } from './otlp/otlp-receiver.js';
