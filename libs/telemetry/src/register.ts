// The preload: `node --import @plinth/telemetry/register apps/<app>/dist/main.js`. It must run before any
// instrumented module (http, express, @nestjs/core, amqplib, pg) is imported, so it is a separate entry and
// not something the app's main.ts could import.
import { register } from 'node:module';
import { telemetrySettings } from './telemetry.config.js';

const settings = telemetrySettings();
if (settings.enabled) {
  // ESM imports are only patchable through the loader hook; CJS modules (amqplib, pg) via require hooks.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { startTracing } = await import('./start-tracing.js');
  startTracing(settings);
}
