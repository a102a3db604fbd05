import { Global, Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenVerifier, type AccessTokenVerifierOptions } from './access-token-verifier.js';
import { JwksKeyStore, type JwksCacheOptions, type JwksSource } from './jwks-key-store.js';
import { RevocationSync, type RecentRevocationsSource } from './revocation-sync.js';
import { TokenRevocationHandlers } from './token-revocation.handlers.js';
import { TokenRevocations } from './token-revocations.js';
import { VerifiedCallerGuard } from './verified-caller.guard.js';

const JWKS_SOURCE = Symbol('JWKS_SOURCE');
const REVOCATIONS_SOURCE = Symbol('REVOCATIONS_SOURCE');

/** A dependency built by the app (over RPC, or auth's own). */
export interface SourceProvider<T> {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...dependencies: never[]) => T;
}

export interface AccessTokensOptions {
  verifier: Omit<AccessTokenVerifierOptions, 'cacheSeconds'>;
  jwks: JwksCacheOptions;
  /** How to read the published keys: over RPC from auth in every other service, from its own key ring in auth. */
  source: SourceProvider<JwksSource>;
  revocations: {
    /** How long a revocation can matter: the access-token lifetime plus the clock tolerance. */
    rememberSeconds: number;
    /** How to list recent revocations: over RPC from auth in every other service, from its database in auth. */
    source: SourceProvider<RecentRevocationsSource>;
  };
}

/**
 * Local access-token verification for a whole app: the verifier (injectable, the gateway uses it
 * for HTTP), the revocations that override it (auth's broadcast events, caught up by RevocationSync), and the
 * global guard that refuses RPC requests without a matching, unrevoked caller token.
 */
@Global()
@Module({})
export class AccessTokensModule {
  static forRoot(options: AccessTokensOptions): DynamicModule {
    return {
      module: AccessTokensModule,
      imports: [...(options.source.imports ?? []), ...(options.revocations.source.imports ?? [])],
      controllers: [TokenRevocationHandlers],
      providers: [
        { provide: JWKS_SOURCE, inject: options.source.inject ?? [], useFactory: options.source.useFactory as (...args: unknown[]) => JwksSource },
        {
          provide: REVOCATIONS_SOURCE,
          inject: options.revocations.source.inject ?? [],
          useFactory: options.revocations.source.useFactory as (...args: unknown[]) => RecentRevocationsSource,
        },
        { provide: TokenRevocations, useFactory: () => new TokenRevocations(options.revocations.rememberSeconds) },
        {
          provide: RevocationSync,
          inject: [TokenRevocations, REVOCATIONS_SOURCE],
          useFactory: (revocations: TokenRevocations, source: RecentRevocationsSource) =>
            new RevocationSync(revocations, source, options.revocations.rememberSeconds),
        },
        { provide: JwksKeyStore, inject: [JWKS_SOURCE], useFactory: (source: JwksSource) => new JwksKeyStore(source, options.jwks) },
        {
          provide: AccessTokenVerifier,
          inject: [JwksKeyStore],
          useFactory: (keys: JwksKeyStore) => new AccessTokenVerifier(keys, { ...options.verifier, cacheSeconds: options.jwks.cacheSeconds }),
        },
        { provide: APP_GUARD, useClass: VerifiedCallerGuard },
      ],
      exports: [AccessTokenVerifier, TokenRevocations, RevocationSync],
    };
  }
}
