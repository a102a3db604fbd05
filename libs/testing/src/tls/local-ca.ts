// A throwaway certificate authority for local TLS runs and tests: a CA and the certificates it issues, written as
// PEM files. ECDSA P-256 (what cert-manager issues by default for the in-cluster CA in k8s/, and what RabbitMQ,
// PostgreSQL, Redis and Node all accept).
import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

const crypto = webcrypto;
x509.cryptoProvider.set(crypto as never);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface IssuedCertificate {
  /** The leaf certificate (PEM). */
  certFile: string;
  /** Its private key (PKCS#8 PEM, mode 0600). */
  keyFile: string;
  /** The CA that signed it, for the peer to trust. */
  caFile: string;
  notAfter: Date;
}

export interface IssueOptions {
  /** DNS names and IP addresses the certificate is for (subjectAltName). */
  hosts: string[];
  /** Default: one hour ago. */
  notBefore?: Date;
  /** Default: 30 days from now. A date in the past makes an expired certificate. */
  notAfter?: Date;
  /** The file name stem; default the first host. */
  name?: string;
}

const pemOfKey = async (key: webcrypto.CryptoKey): Promise<string> => x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');

export class LocalCa {
  private serial = 1;

  private constructor(
    readonly dir: string,
    readonly caFile: string,
    private readonly certificate: x509.X509Certificate,
    private readonly keys: CryptoKeyPair,
  ) {}

  /** A new CA (10 years) in `dir` (created): `<name>.crt` and `<name>.key`. */
  static async create(dir: string, name = 'ca', commonName = 'Plinth local CA'): Promise<LocalCa> {
    mkdirSync(dir, { recursive: true });
    const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: `CN=${commonName}`,
      notBefore: new Date(Date.now() - DAY_MS),
      notAfter: new Date(Date.now() + 3650 * DAY_MS),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const caFile = join(dir, `${name}.crt`);
    writeFileSync(caFile, certificate.toString('pem'));
    writeFileSync(join(dir, `${name}.key`), await pemOfKey(keys.privateKey), { mode: 0o600 });
    return new LocalCa(dir, caFile, certificate, keys);
  }

  /** A server-and-client certificate for `hosts`, signed by this CA. */
  async issue(options: IssueOptions): Promise<IssuedCertificate> {
    const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
    const notAfter = options.notAfter ?? new Date(Date.now() + 30 * DAY_MS);
    const [first] = options.hosts;
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: `${randomSerial()}${(this.serial++).toString(16).padStart(4, '0')}`,
      subject: `CN=${first ?? 'plinth'}`,
      issuer: this.certificate.subject,
      notBefore: options.notBefore ?? new Date(Date.now() - 3_600_000),
      notAfter,
      signingKey: this.keys.privateKey,
      publicKey: keys.publicKey,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension(options.hosts.map((host) => ({ type: isIP(host) ? 'ip' : 'dns', value: host }))),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
      ],
    });
    const stem = (options.name ?? first ?? 'leaf').replace(/[^\w.-]/g, '_');
    const certFile = join(this.dir, `${stem}.crt`);
    const keyFile = join(this.dir, `${stem}.key`);
    writeFileSync(certFile, certificate.toString('pem'));
    writeFileSync(keyFile, await pemOfKey(keys.privateKey), { mode: 0o600 });
    return { certFile, keyFile, caFile: this.caFile, notAfter };
  }
}

// Positive (leading byte < 0x80) and unique enough for throwaway CAs.
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(8));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return Buffer.from(bytes).toString('hex');
}
