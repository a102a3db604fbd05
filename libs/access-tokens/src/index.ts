export * from './access-token-verifier.js';
export * from './access-tokens.module.js';
export * from './jwks-key-store.js';
export * from './verified-caller.guard.js';
export * from './without-access-token.decorator.js';
export * from './token-revocations.js';
export * from './token-revocation.handlers.js';
export * from './revocation-sync.js';
