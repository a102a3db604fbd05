import { createPrivateKey } from 'node:crypto';
import { assertCurrentlyValid, certificatesOf, readPemFile, type PemFile } from './pem-files.js';
import { TlsSetupError } from './tls-setup-error.js';

/** A certificate (chain) and its private key, checked: readable, currently valid, and belonging together. */
export interface KeyPairFiles {
  cert: PemFile;
  key: PemFile;
}

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
}

export function readKeyPair({ cert, key }: KeyPairFiles, role: string, now = new Date()): KeyPair {
  const certPem = readPemFile(cert);
  const keyPem = readPemFile(key);
  const [leaf] = certificatesOf(cert, certPem);
  if (!leaf) throw new TlsSetupError(`${cert.variable}: ${cert.path} holds no PEM certificate`);
  assertCurrentlyValid(cert, leaf, role, now);
  let privateKey;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (error) {
    throw new TlsSetupError(`${key.variable}: ${key.path} holds no usable private key (${(error as Error).message})`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new TlsSetupError(`${key.variable}: the key in ${key.path} does not belong to the certificate in ${cert.path} (${cert.variable})`);
  }
  return { cert: certPem, key: keyPem };
}
