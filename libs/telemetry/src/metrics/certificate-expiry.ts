import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ServiceMetrics } from './service-metrics.js';

/** The alert rules (PlinthTlsCertificateExpiring*) read this name; keep it when TLS changes. */
export const CERTIFICATE_EXPIRY_METRIC = 'plinth_tls_certificate_expiry_timestamp_seconds';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * notAfter of the earliest-expiring certificate in a PEM file (a leaf, a chain or a CA bundle), in seconds since the
 * epoch: whichever certificate of the file runs out first is the one that breaks the connection.
 */
export function certificateNotAfterSeconds(pem: string | Buffer): number {
  const blocks = pem.toString().match(PEM_CERTIFICATE) ?? [pem];
  return Math.min(...blocks.map((block) => new X509Certificate(block).validToDate.getTime() / 1000));
}

/**
 * Exports `plinth_tls_certificate_expiry_timestamp_seconds{path}` for each PEM certificate file a service uses
 * (its server certificate, a client certificate, a CA bundle). Files are read at every scrape because cert-manager
 * and other rotators replace them in place; an unreadable file has no sample for that scrape. Call once per service.
 */
export function exportCertificateExpiry(metrics: ServiceMetrics, paths: readonly string[]): void {
  metrics.gauge(CERTIFICATE_EXPIRY_METRIC, 'Expiry (notAfter) of each TLS certificate file the service uses, as a Unix timestamp.', ['path'], async () => {
    const samples = await Promise.all(
      paths.map(async (path) => {
        try {
          return [{ labels: { path }, value: certificateNotAfterSeconds(await readFile(path)) }];
        } catch {
          return [];
        }
      }),
    );
    return samples.flat();
  });
}
