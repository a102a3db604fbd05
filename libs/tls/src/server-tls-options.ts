import type { SecureContextOptions, TlsOptions } from 'node:tls';
import { readKeyPair, type KeyPairFiles } from './key-pair.js';

/**
 * TLS 1.2+ with forward-secret AEAD suites only (Mozilla's "intermediate" profile): TLS 1.3's three suites, then
 * ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2 clients. No CBC, no RSA key exchange, no SHA-1.
 */
export const MODERN_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** What a server's secure context is made of; also what `server.setSecureContext()` takes when the files change. */
export function serverSecureContextOptions(files: KeyPairFiles, now = new Date()): SecureContextOptions {
  return {
    ...readKeyPair(files, 'server certificate', now),
    minVersion: 'TLSv1.2',
    ciphers: MODERN_CIPHERS,
    honorCipherOrder: true,
    ecdhCurve: 'X25519:prime256v1:secp384r1',
  };
}

/**
 * Options for `https.createServer` — and, unchanged, for `http2.createSecureServer({ ...options, allowHTTP1: true })`
 * once the HTTP adapter can serve HTTP/2: `alpn` lists what the adapter speaks, most preferred first.
 */
export function serverTlsOptions(files: KeyPairFiles, alpn: readonly string[] = ['http/1.1']): TlsOptions {
  return { ...serverSecureContextOptions(files), ALPNProtocols: [...alpn] };
}
