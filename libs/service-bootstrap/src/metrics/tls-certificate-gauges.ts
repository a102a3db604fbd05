import { Injectable, type OnModuleInit } from '@nestjs/common';
import { exportCertificateExpiry, ServiceMetrics } from '@plinth/telemetry';
import { BaseServiceConfig } from '../config/base-service.config.js';
import { certificateFilesOf } from '../tls/connection-tls.js';

/**
 * Publishes the expiry of every certificate file this service is configured with (its own certificate, client
 * certificates and the CAs it trusts) as `plinth_tls_certificate_expiry_timestamp_seconds{path}`, read at scrape
 * time so it follows cert-manager's renewals; the PlinthTlsCertificateExpiring* alerts read it.
 */
@Injectable()
export class TlsCertificateGauges implements OnModuleInit {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly config: BaseServiceConfig,
  ) {}

  onModuleInit(): void {
    const files = certificateFilesOf(this.config);
    if (files.length > 0) exportCertificateExpiry(this.metrics, files);
  }
}
