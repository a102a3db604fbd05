import type { Server } from 'node:tls';
import type { LoggerService } from '@nestjs/common';
import { watchCertificateFiles, type KeyPairFiles } from '@plinth/tls';

/** cert-manager renews the Secret before expiry: new handshakes get the new certificate, open connections stay. */
export function reloadServerCertificate(server: Server, files: KeyPairFiles, logger: LoggerService): void {
  watchCertificateFiles(files, (options) => server.setSecureContext(options), {
    log: (message) => logger.log(message, 'TLS'),
    error: (message) => logger.error(message, undefined, 'TLS'),
  });
}
