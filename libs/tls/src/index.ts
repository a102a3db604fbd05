export { TlsSetupError } from './tls-setup-error.js';
export { certificatesOf, earliestExpiry, readPemFile, type PemFile } from './pem-files.js';
export { readKeyPair, type KeyPair, type KeyPairFiles } from './key-pair.js';
export { clientTlsOptions, type ClientTlsFiles } from './client-tls-options.js';
export { MODERN_CIPHERS, serverSecureContextOptions, serverTlsOptions } from './server-tls-options.js';
export { watchCertificateFiles, type CertificateReloader, type ReloadLog } from './certificate-reloader.js';
export { tlsFailureReason, verifyTlsEndpoint, type TlsEndpoint, type VerificationOutcome } from './tls-verification.js';
