import { Global, Module, type DynamicModule, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenVerifier, type AccessTokenVerifierOptions } from './access-token-verifier.js';
import { JwksKeyStore, type JwksCacheOptions, type JwksSource } from './jwks-key-store.js';
import { VerifiedCallerGuard } from './verified-caller.guard.js';

const JWKS_SOURCE = Symbol('JWKS_SOURCE');

export interface AccessTokensOptions {
  verifier: Omit<AccessTokenVerifierOptions, 'cacheSeconds'>;
  jwks: JwksCacheOptions;
  /** How to read the published keys: over RPC from auth in every other service, from its own key ring in auth. */
  source: {
    imports?: ModuleMetadata['imports'];
    inject?: InjectionToken[];
    useFactory: (...dependencies: never[]) => JwksSource;
  };
}

/**
 * Local access-token verification for a whole app: the verifier (injectable, the gateway uses it
 * for HTTP) and the global guard that refuses RPC requests without a matching caller token.
 */
@Global()
@Module({})
export class AccessTokensModule {
  static forRoot(options: AccessTokensOptions): DynamicModule {
    return {
      module: AccessTokensModule,
      imports: options.source.imports ?? [],
      providers: [
        { provide: JWKS_SOURCE, inject: options.source.inject ?? [], useFactory: options.source.useFactory as (...args: unknown[]) => JwksSource },
        { provide: JwksKeyStore, inject: [JWKS_SOURCE], useFactory: (source: JwksSource) => new JwksKeyStore(source, options.jwks) },
        {
          provide: AccessTokenVerifier,
          inject: [JwksKeyStore],
          useFactory: (keys: JwksKeyStore) => new AccessTokenVerifier(keys, { ...options.verifier, cacheSeconds: options.jwks.cacheSeconds }),
        },
        { provide: APP_GUARD, useClass: VerifiedCallerGuard },
      ],
      exports: [AccessTokenVerifier],
    };
  }
}
