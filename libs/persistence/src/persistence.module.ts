import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health-indicator.js';
import { EntityManagerContextInterceptor } from './entity-manager-context.interceptor.js';
import { buildOrmOptions, type PersistenceOptions } from './persistence-options.js';

/**
 * MikroORM for one service's own database. Global: exports MikroORM and EntityManager (core and
 * PostgreSQL flavours) plus DatabaseHealthIndicator. Migrations are run by the caller (runMigrations),
 * never implicitly, so `migrate` and start-up share one code path.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [MikroOrmModule.forRoot(buildOrmOptions(options)), TerminusModule],
      providers: [
        DatabaseHealthIndicator,
        { provide: APP_INTERCEPTOR, useClass: EntityManagerContextInterceptor },
      ],
      exports: [DatabaseHealthIndicator],
    };
  }
}
