import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import { readKeyPair } from './key-pair.js';
import { certificatesOf, readPemFile, type PemFile } from './pem-files.js';
import { TlsSetupError } from './tls-setup-error.js';

export interface ClientTlsFiles {
  /** CAs trusted for the server's certificate; unset = Node's public roots (a managed service with a public CA). */
  ca?: PemFile;
  /** Client certificate and key, for servers that authenticate clients by certificate. */
  cert?: PemFile;
  key?: PemFile;
}

/**
 * Options for tls.connect (amqplib, pg, ioredis take them as they are): the server's certificate and host name
 * are always verified — there is deliberately no way to turn that off. Files are checked now, so a wrong one
 * stops the start-up instead of failing every connection attempt later.
 *
 * `serverHost` (the URL's host) pins the name the certificate is checked against. Drivers do not all pass it on:
 * pg gives tls.connect only an already-connected socket and, for an IP address, no servername, so Node checks
 * the certificate against "localhost" — any certificate naming localhost would pass for 10.0.0.5.
 */
export function clientTlsOptions(connection: string, files: ClientTlsFiles, serverHost?: string, now = new Date()): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: true, minVersion: 'TLSv1.2' };
  if (serverHost) options.checkServerIdentity = (_name, certificate) => checkServerIdentity(serverHost, certificate);
  if (files.ca) {
    const pem = readPemFile(files.ca);
    const current = certificatesOf(files.ca, pem).filter((certificate) => new Date(certificate.validTo) > now);
    if (current.length === 0) throw new TlsSetupError(`${files.ca.variable}: every CA certificate in ${files.ca.path} has expired (${connection})`);
    options.ca = pem;
  }
  const { cert, key } = files;
  if (cert && key) Object.assign(options, readKeyPair({ cert, key }, `${connection} client certificate`, now));
  else if (cert) throw new TlsSetupError(`${cert.variable} is set without its key file (${connection} client certificate)`);
  else if (key) throw new TlsSetupError(`${key.variable} is set without its certificate file (${connection} client certificate)`);
  return options;
}
