import type { EntityClass, MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import type { ConnectionOptions } from 'node:tls';

export interface PersistenceOptions {
  /** Shows up as `application_name` in pg_stat_activity, so a DBA can tell services apart. */
  serviceName: string;
  /** postgres://user:password@host:port/database */
  clientUrl: string;
  entities: EntityClass<object>[];
  /** Explicit, ordered list: bundles and compiled output never depend on a migrations folder glob. */
  migrations: MigrationObject[];
  /** Upper bound of pooled connections; default 10 (Postgres allows ~100 per server, shared by all replicas). */
  poolMax?: number;
  /**
   * TLS for every pooled connection (pg's `ssl`: CA, optional client certificate; chain and host name always
   * verified). Required for TLS: the ORM reads only host, port, user, password and database from clientUrl, so an
   * `sslmode` there would be dropped silently.
   */
  tls?: ConnectionOptions;
}

/** The one ORM configuration every service uses; also used by the `migrate` command and tests. */
export function buildOrmOptions(options: PersistenceOptions): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: options.clientUrl,
    entities: options.entities,
    extensions: [Migrator],
    // Identity maps must never be shared between requests or messages: every use runs in a forked
    // context (HTTP middleware, EntityManagerContextInterceptor, @CreateRequestContext or em.fork()).
    allowGlobalContext: false,
    // The default MetadataProvider: entities declare `type`/`columnType` explicitly, no ts-morph, no reflection.
    discovery: { warnWhenNoEntities: false },
    // A service never creates its own database (that needs CREATEDB and hides a wrong DATABASE_URL):
    // provisioning, the dev launcher and tests call ensureDatabaseExists.
    ensureDatabase: false,
    pool: { min: 0, max: options.poolMax ?? 10, idleTimeoutMillis: 30_000 },
    driverOptions: {
      // Without it a black-holed database makes every query (and /readyz) hang on pool acquire.
      connectionTimeoutMillis: 5_000,
      application_name: options.serviceName,
      ...(options.tls ? { ssl: options.tls } : {}),
    },
    migrations: {
      migrationsList: options.migrations,
      transactional: true,
      allOrNothing: true,
      // Snapshots are for generating migrations in development; at runtime they would write files.
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
    },
    colors: false,
  };
}
