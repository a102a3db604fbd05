import type { EntityClass, MigrationObject } from '@mikro-orm/core';
import type { Type } from '@nestjs/common';
import type { AccessTokensOptions } from '@plinth/access-tokens';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { TlsEndpoint } from '@plinth/tls';
import type { BaseServiceConfig } from './config/base-service.config.js';

export type ServiceName = 'gateway' | 'auth' | 'users' | 'orders' | 'notifications' | 'catalog';

export interface ServiceDatabase {
  entities: EntityClass<object>[];
  migrations: MigrationObject[];
}

export interface BootstrapServiceOptions {
  name: ServiceName;
  /** The app's feature module. */
  module: Type;
  /** Validated from process.env at start; invalid → exit 1 naming the variable. */
  config: Type<BaseServiceConfig>;
  /** Omitted by the gateway, which owns no database. */
  database?: ServiceDatabase;
  /** Where access-token verification gets auth's public keys; default: the `auth.jwks` RPC. Auth reads its own key ring. */
  accessTokenKeys?: AccessTokensOptions['source'];
  /** Where the revocations to catch up on come from; default: the `auth.revocations.recent` RPC. Auth reads its database. */
  recentRevocations?: AccessTokensOptions['revocations']['source'];
  /** The gateway adds its HTTP edge here (prefix, helmet, CORS, OpenAPI…), before listening. */
  configureHttp?: (app: NestExpressApplication) => void | Promise<void>;
  /** TLS connections of the app's own (the gateway's Redis), verified at start-up with the broker's and the database's. */
  tlsEndpoints?: (config: BaseServiceConfig) => TlsEndpoint[];
}
