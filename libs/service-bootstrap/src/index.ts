export * from './bootstrap-service.js';
export * from './service-options.js';
export * from './config/base-service.config.js';
export * from './config/env-transforms.js';
export * from './config/load-config.js';
export { REDACTED_PATHS, buildLoggerParams } from './logging/logger-params.js';
export { BrokerHealthIndicator } from './health/broker.health-indicator.js';
export { OPERATIONAL_PATHS } from './operational-paths.js';
export { accessTokensModuleFor } from './service-root.module.js';
