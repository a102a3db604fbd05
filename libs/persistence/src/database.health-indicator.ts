import { MikroORM } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

const DEFAULT_TIMEOUT_MS = 2_000;

/** Readiness: the database answers `select 1` within a short deadline (a hung pool counts as down). */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly orm: MikroORM,
    private readonly health: HealthIndicatorService,
  ) {}

  isHealthy(key = 'database', timeoutMs = DEFAULT_TIMEOUT_MS) {
    return this.health
      .check(key)
      .attempt(async () => {
        await this.orm.em.getConnection().execute('select 1');
      })
      .withTimeout(timeoutMs);
  }
}
