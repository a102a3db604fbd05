// The preload: `node --import @plinth/telemetry/register apps/<app>/dist/main.js`. It must run before any
// instrumented module (http, express, @nestjs/core, amqplib, pg) is imported, so it is a separate entry and
// not something the app's main.ts could import.
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { telemetrySettings } from './telemetry.config.js';

const settings = telemetrySettings();
if (settings.enabled) {
  // ESM imports are only patchable through the loader hook. Wrapping every module costs seconds of start-up on a
  // busy machine, so the hook only wraps the modules the instrumentations ask for (their Hook() calls reach the
  // loader thread over this channel); CJS internals (amqplib) are patched through require hooks.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const { startTracing } = await import('./start-tracing.js');
  startTracing(settings);
  await waitForAllMessagesAcknowledged();
}
