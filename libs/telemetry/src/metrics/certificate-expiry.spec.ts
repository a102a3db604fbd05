import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certificateNotAfterSeconds, exportCertificateExpiry } from './certificate-expiry.js';
import { ServiceMetrics } from './service-metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'plinth-cert-'));
/** A self-signed certificate valid for `days`, made by openssl like any real one. */
const certificate = (name: string, days: number): string => {
  const path = join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${name}.key`),
    '-out', path, '-days', String(days), '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return path;
};

describe('TLS certificate expiry', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads notAfter from a PEM', () => {
    const notAfter = certificateNotAfterSeconds(readFileSync(certificate('ten-days', 10)));
    expect(notAfter - Date.now() / 1000).toBeGreaterThan(10 * 86_400 - 120);
    expect(notAfter - Date.now() / 1000).toBeLessThan(10 * 86_400 + 120);
  });

  it('exports plinth_tls_certificate_expiry_timestamp_seconds per file, and nothing for a file it cannot read', async () => {
    const metrics = new ServiceMetrics('gateway');
    const server = certificate('server', 30);
    exportCertificateExpiry(metrics, [server, join(dir, 'missing.pem')]);
    const line = (await metrics.exposition('prometheus')).split('\n').filter((candidate) => candidate.startsWith('plinth_tls_certificate_expiry_timestamp_seconds{'));
    expect(line).toHaveLength(1);
    expect(line[0]).toContain(`path="${server}"`);
    const value = Number(line[0]?.split(' ').pop());
    expect(Math.abs(value - certificateNotAfterSeconds(readFileSync(server)))).toBeLessThan(1);
  });
});
