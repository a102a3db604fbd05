import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ServiceMetrics } from '@plinth/telemetry';
import { earliestExpiry } from '@plinth/tls';
import { BaseServiceConfig } from '../config/base-service.config.js';
import { certificateFilesOf } from '../tls/connection-tls.js';

/**
 * `plinth_tls_certificate_expiry_timestamp_seconds{file}`: the notAfter (Unix seconds) of the earliest-expiring
 * certificate in each configured certificate file, the service's own and the CAs it trusts. Read from disk at
 * scrape time, so it follows cert-manager's renewals; alert on `… - time() < 14 * 86400`. A file that cannot be
 * read at the moment has no sample (the start-up checks made sure it could once).
 */
@Injectable()
export class TlsCertificateGauges implements OnModuleInit {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly config: BaseServiceConfig,
  ) {}

  onModuleInit(): void {
    const files = certificateFilesOf(this.config);
    this.metrics.gauge(
      'plinth_tls_certificate_expiry_timestamp_seconds',
      'Expiry (notAfter, Unix seconds) of the earliest-expiring certificate in each configured certificate file.',
      ['file'],
      async () =>
        files.flatMap((file) => {
          try {
            return [{ labels: { file }, value: earliestExpiry({ variable: file, path: file }).getTime() / 1000 }];
          } catch {
            return [];
          }
        }),
    );
  }
}
