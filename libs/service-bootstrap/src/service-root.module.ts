import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ServiceMetrics } from '@plinth/telemetry';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AccessTokensModule, type AccessTokensOptions } from '@plinth/access-tokens';
import { AuthRpc, type JwksResult, type RecentRevocations } from '@plinth/contracts';
import { MessagingModule, OutboxInboxModule, RpcClient, messagingEntities, messagingMigrations } from '@plinth/messaging';
import { PersistenceModule } from '@plinth/persistence';
import type { ConnectionOptions } from 'node:tls';
import { BaseServiceConfig, type DatabaseServiceConfig } from './config/base-service.config.js';
import { BrokerHealthIndicator } from './health/broker.health-indicator.js';
import { RevocationSyncTrigger } from './health/revocation-sync.trigger.js';
import { HealthController } from './health/health.controller.js';
import { ReadinessGatesModule } from './health/readiness-gates.js';
import { HTTP_DRAIN_MS, HttpDrain } from './http-drain.js';
import { buildLoggerParams } from './logging/logger-params.js';
import { TelemetryFlush } from './telemetry-flush.js';
import { MessageMetricsInterceptor } from './metrics/message-metrics.interceptor.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ScrapeTimeGauges } from './metrics/scrape-time-gauges.js';
import { TlsCertificateGauges } from './metrics/tls-certificate-gauges.js';
import { DataRetentionModule } from './retention/data-retention.module.js';
import type { ServiceDatabase, ServiceName } from './service-options.js';
import type { ConnectionTls } from './tls/connection-tls.js';

/** Makes the validated config injectable by its own class and as BaseServiceConfig. */
@Global()
@Module({})
class ServiceConfigModule {
  static forRoot(configClass: Type<BaseServiceConfig>, config: BaseServiceConfig): DynamicModule {
    const providers = [
      { provide: configClass, useValue: config },
      ...(configClass === BaseServiceConfig ? [] : [{ provide: BaseServiceConfig, useValue: config }]),
    ];
    return { module: ServiceConfigModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}

export interface ServiceRootOptions {
  name: ServiceName;
  module: Type;
  configClass: Type<BaseServiceConfig>;
  config: BaseServiceConfig;
  database?: ServiceDatabase;
  accessTokenKeys?: AccessTokensOptions['source'];
  recentRevocations?: AccessTokensOptions['revocations']['source'];
  tls: ConnectionTls;
}

/** Every service but auth reads the signing keys from auth's JWKS, over RPC (cached, so not per request). */
export const JWKS_OVER_RPC: AccessTokensOptions['source'] = {
  inject: [RpcClient],
  useFactory: (rpc: RpcClient) => () => rpc.send<JwksResult>(AuthRpc.jwks, {}),
};

/** Every service but auth lists recent revocations with the `auth.revocations.recent` RPC. */
export const REVOCATIONS_OVER_RPC: AccessTokensOptions['revocations']['source'] = {
  inject: [RpcClient],
  useFactory: (rpc: RpcClient) => (withinSeconds: number) => rpc.send<RecentRevocations>(AuthRpc.recentRevocations, { withinSeconds }),
};

/**
 * Access-token verification as configured: the verifier, the revocations, and the guard that makes every RPC prove
 * its caller.
 */
export function accessTokensModuleFor(
  config: BaseServiceConfig,
  source: AccessTokensOptions['source'] = JWKS_OVER_RPC,
  revocationSource: AccessTokensOptions['revocations']['source'] = REVOCATIONS_OVER_RPC,
): DynamicModule {
  return AccessTokensModule.forRoot({
    verifier: {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      clockToleranceSeconds: config.JWT_CLOCK_TOLERANCE_SECONDS,
      maxCachedTokens: config.VERIFIED_TOKEN_CACHE_SIZE,
    },
    jwks: { cacheSeconds: config.JWKS_CACHE_SECONDS, refetchMinIntervalSeconds: config.JWKS_REFETCH_MIN_INTERVAL_SECONDS },
    source,
    revocations: { rememberSeconds: config.ACCESS_TOKEN_TTL_SECONDS + config.JWT_CLOCK_TOLERANCE_SECONDS, source: revocationSource },
  });
}

/** Persistence only: what `migrate` needs, without a broker connection. */
export function persistenceModuleFor(
  name: ServiceName, config: BaseServiceConfig, database: ServiceDatabase, tls?: ConnectionOptions, clientUrl = (config as DatabaseServiceConfig).DATABASE_URL,
): DynamicModule {
  return PersistenceModule.forRoot({
    serviceName: name,
    clientUrl,
    entities: [...database.entities, ...messagingEntities],
    migrations: [...database.migrations, ...messagingMigrations],
    tls,
  });
}

/** The module tree every service runs: config, logger, messaging, persistence, access tokens, health, then the app. */
@Module({})
export class ServiceRootModule {
  static forRoot({ name, module, configClass, config, database, accessTokenKeys, recentRevocations, tls }: ServiceRootOptions): DynamicModule {
    // Half of the budget for HTTP, the rest for the broker drain and closing the pool.
    const halfShutdown = Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2);
    const metrics = new ServiceMetrics(name);
    return {
      module: ServiceRootModule,
      // Every module of the app may record its own series in the service's one registry.
      global: true,
      exports: [ServiceMetrics],
      imports: [
        ServiceConfigModule.forRoot(configClass, config),
        LoggerModule.forRoot(buildLoggerParams(name, config)),
        TerminusModule.forRoot({ logger: false }),
        ReadinessGatesModule,
        MessagingModule.forRoot({
          serviceName: name,
          url: config.RABBITMQ_URL,
          declare: config.RABBITMQ_DECLARE_TOPOLOGY,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          prefetch: config.PREFETCH,
          retry: { maxAttempts: config.EVENT_MAX_ATTEMPTS, delaysMs: [...config.EVENT_RETRY_DELAYS_MS] },
          shutdownTimeoutMs: halfShutdown,
          tls: tls.broker,
        }),
        ...(database
          ? [persistenceModuleFor(name, config, database, tls.database), OutboxInboxModule, DataRetentionModule.forRoot(config as DatabaseServiceConfig, metrics)]
          : []),
        accessTokensModuleFor(config, accessTokenKeys, recentRevocations),
        module,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        BrokerHealthIndicator,
        RevocationSyncTrigger,
        HttpDrain,
        TelemetryFlush,
        { provide: HTTP_DRAIN_MS, useValue: halfShutdown },
        { provide: ServiceMetrics, useValue: metrics },
        ScrapeTimeGauges,
        TlsCertificateGauges,
        { provide: APP_INTERCEPTOR, useClass: MessageMetricsInterceptor },
      ],
    };
  }
}
