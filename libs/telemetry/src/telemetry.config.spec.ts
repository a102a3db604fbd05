import { describe, expect, it } from 'vitest';
import { telemetrySettings } from './telemetry.config.js';

const entry = `${process.cwd()}/apps/orders/dist/main.js`;

describe('telemetrySettings', () => {
  it('is off without an OTLP endpoint, so the preload loads nothing', () => {
    expect(telemetrySettings({}, entry).enabled).toBe(false);
  });

  it('is on with either the generic or the traces endpoint, and off again with OTEL_SDK_DISABLED=true', () => {
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, entry).enabled).toBe(true);
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, entry).enabled).toBe(true);
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, entry).enabled).toBe(false);
  });

  it('names the service after the app folder of the entry script unless OTEL_SERVICE_NAME says otherwise', () => {
    expect(telemetrySettings({ NODE_ENV: 'production' }, entry)).toMatchObject({ serviceName: 'orders', serviceVersion: '0.0.0', environment: 'production' });
    expect(telemetrySettings({ OTEL_SERVICE_NAME: 'orders-canary' }, entry).serviceName).toBe('orders-canary');
  });
});
