import { createHash, X509Certificate } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import type { KeyPairFiles } from './key-pair.js';
import { serverSecureContextOptions } from './server-tls-options.js';

export interface ReloadLog {
  log(message: string): void;
  error(message: string): void;
}

export interface CertificateReloader {
  close(): void;
}

const fingerprintOf = (files: KeyPairFiles): string => {
  const hash = createHash('sha256');
  for (const file of [files.cert, files.key]) {
    try {
      hash.update(readFileSync(file.path));
    } catch {
      hash.update('unreadable');
    }
  }
  return hash.digest('hex');
};

/**
 * Swaps a server's certificate when its files change, without a restart and without dropping connections
 * (new handshakes get the new context). Watches the files' directories, not the files: cert-manager and the
 * kubelet replace a mounted Secret by renaming a `..data` symlink, which a watch on the old file never sees.
 * Events are debounced (writers touch the certificate and the key separately); a pair that does not load —
 * half written, mismatched, expired — keeps the previous certificate and is retried on the next change.
 */
export function watchCertificateFiles(
  files: KeyPairFiles,
  apply: (options: SecureContextOptions) => void,
  log: ReloadLog,
  debounceMs = 250,
): CertificateReloader {
  let served = fingerprintOf(files);
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    timer = undefined;
    const fingerprint = fingerprintOf(files);
    if (fingerprint === served) return;
    try {
      const options = serverSecureContextOptions(files);
      apply(options);
      served = fingerprint;
      const certificate = new X509Certificate(options.cert as Buffer);
      log.log(`reloaded the TLS certificate from ${files.cert.path} (serial ${certificate.serialNumber}, valid until ${new Date(certificate.validTo).toISOString()})`);
    } catch (error) {
      log.error(`TLS certificate files changed but could not be loaded; still serving the previous certificate: ${(error as Error).message}`);
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
    timer.unref();
  };
  const directories = [...new Set([dirname(files.cert.path), dirname(files.key.path)])];
  const watchers: FSWatcher[] = directories.map((directory) => watch(directory, { persistent: false }, schedule));
  for (const watcher of watchers) watcher.on('error', (error) => log.error(`watching ${files.cert.path} for certificate changes failed: ${error.message}`));
  return {
    close: () => {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
