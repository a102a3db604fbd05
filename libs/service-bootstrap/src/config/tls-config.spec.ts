import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseServiceConfig } from './base-service.config.js';
import { ConfigValidationError, loadConfig } from './load-config.js';

class ServiceConfig extends DatabaseServiceConfig {
  override DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plinth_orders';
}

const dir = mkdtempSync(join(tmpdir(), 'plinth-tls-config-'));
const pem = join(dir, 'ca.crt');
writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const notPem = join(dir, 'notes.txt');
writeFileSync(notPem, 'hello');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(ServiceConfig, env, 'orders');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  return [];
};

const TLS_ONLY = {
  TLS_REQUIRED: 'true',
  RABBITMQ_URL: 'amqps://orders:secret@rabbit:5671/plinth',
  DATABASE_URL: 'postgres://orders:secret@db:5432/plinth_orders?sslmode=verify-full',
  TLS_CERT_FILE: pem,
  TLS_KEY_FILE: pem,
};

describe('TLS configuration', () => {
  it('accepts a TLS-only configuration', () => {
    expect(problemsOf({ ...TLS_ONLY, RABBITMQ_CA_FILE: pem, DATABASE_CA_FILE: pem, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318', OTEL_EXPORTER_OTLP_CERTIFICATE: pem })).toEqual([]);
  });

  it('refuses every plaintext connection under TLS_REQUIRED=true', () => {
    expect(problemsOf({ TLS_REQUIRED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual([
      'DATABASE_URL must be a postgres:// URL with sslmode=verify-full (TLS_REQUIRED=true) (not set)',
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an https:// URL (TLS_REQUIRED=true) (got "http://collector:4318")',
      'RABBITMQ_URL must be an amqps:// URL (TLS_REQUIRED=true) (not set)',
      'TLS_CERT_FILE must be set (TLS_REQUIRED=true) (not set)',
      'TLS_KEY_FILE must be set (TLS_REQUIRED=true) (not set)',
    ]);
  });

  it('refuses a CA file next to a plaintext URL instead of ignoring it', () => {
    expect(problemsOf({ RABBITMQ_CA_FILE: pem, DATABASE_CA_FILE: pem })).toEqual([
      `DATABASE_CA_FILE is set but DATABASE_URL is not a URL with sslmode=verify-full: the connection would stay in plaintext (got "${pem}")`,
      `RABBITMQ_CA_FILE is set but RABBITMQ_URL is not an amqps:// URL: the connection would stay in plaintext (got "${pem}")`,
    ]);
  });

  it('allows only sslmode=verify-full or disable, and no ssl file parameters in the URL', () => {
    const url = (query: string) => `postgres://u@db:5432/plinth_orders?${query}`;
    expect(problemsOf({ DATABASE_URL: url('sslmode=verify-full') })).toEqual([]);
    expect(problemsOf({ DATABASE_URL: url('sslmode=disable') })).toEqual([]);
    for (const query of ['sslmode=require', 'sslmode=verify-ca', 'sslmode=prefer', 'sslmode=verify-full&sslrootcert=/ca.crt']) {
      expect(problemsOf({ DATABASE_URL: url(query) })[0]).toMatch(/^DATABASE_URL: sslmode must be verify-full \(or disable\)/);
    }
  });

  it('names unreadable or non-PEM files and half key pairs', () => {
    expect(problemsOf({ ...TLS_ONLY, RABBITMQ_CA_FILE: join(dir, 'missing.crt'), RABBITMQ_CERT_FILE: notPem })).toEqual([
      `RABBITMQ_CA_FILE must name a readable PEM file (got "${join(dir, 'missing.crt')}")`,
      `RABBITMQ_CERT_FILE needs RABBITMQ_KEY_FILE as well; RABBITMQ_CERT_FILE must name a readable PEM file (got "${notPem}")`,
    ]);
  });
});
