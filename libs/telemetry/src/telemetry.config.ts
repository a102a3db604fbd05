import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// The only place the telemetry lib reads the environment. Standard OTEL_* variables (sampler, protocol,
// headers, resource attributes) are read by the SDK itself.

export interface TelemetrySettings {
  /** False when neither OTLP endpoint variable is set (or OTEL_SDK_DISABLED=true): nothing is loaded then. */
  enabled: boolean;
  serviceName: string;
  serviceVersion: string;
  environment: string;
}

export function telemetrySettings(env: NodeJS.ProcessEnv = process.env, entry = process.argv[1] ?? ''): TelemetrySettings {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const app = appOf(entry);
  return {
    enabled: Boolean(endpoint) && env.OTEL_SDK_DISABLED !== 'true',
    serviceName: env.OTEL_SERVICE_NAME || app.name,
    serviceVersion: app.version,
    environment: env.NODE_ENV || 'development',
  };
}

/** `apps/<name>/dist/main.js` → the app's name and its package.json version. */
function appOf(entry: string): { name: string; version: string } {
  const appDir = dirname(dirname(entry));
  try {
    const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { version?: string };
    return { name: basename(appDir), version: manifest.version ?? '0.0.0' };
  } catch {
    return { name: basename(appDir) || 'plinth', version: '0.0.0' };
  }
}
