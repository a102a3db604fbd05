import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TlsSetupError } from './tls-setup-error.js';

/** A configured PEM file and the environment variable that named it (for messages). */
export interface PemFile {
  variable: string;
  path: string;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function readPemFile({ variable, path }: PemFile): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new TlsSetupError(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Every certificate of a PEM file or bundle, in file order; an error when there is none or one does not parse. */
export function certificatesOf(file: PemFile, pem: Buffer = readPemFile(file)): X509Certificate[] {
  const blocks = pem.toString('utf8').match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) throw new TlsSetupError(`${file.variable}: ${file.path} holds no PEM certificate`);
  return blocks.map((block) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw new TlsSetupError(`${file.variable}: ${file.path} holds a certificate that does not parse (${(error as Error).message})`);
    }
  });
}

/** The earliest `notAfter` of the certificates in a file: when it (or one of its CAs) stops being valid. */
export function earliestExpiry(file: PemFile): Date {
  const expiries = certificatesOf(file).map((certificate) => new Date(certificate.validTo));
  return new Date(Math.min(...expiries.map((date) => date.getTime())));
}

/** Refuses a certificate outside its validity window, saying which and since when. */
export function assertCurrentlyValid(file: PemFile, certificate: X509Certificate, role: string, now = new Date()): void {
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (now > notAfter) throw new TlsSetupError(`${file.variable}: the ${role} in ${file.path} expired on ${notAfter.toISOString()}`);
  if (now < notBefore) throw new TlsSetupError(`${file.variable}: the ${role} in ${file.path} is not valid before ${notBefore.toISOString()}`);
}
