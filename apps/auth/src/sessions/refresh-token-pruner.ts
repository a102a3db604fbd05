import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { RefreshToken } from './refresh-token.entity.js';

const DAY_MS = 86_400_000;
/**
 * Expired tokens are refused anyway; a spent one kept a while longer still reveals reuse of a stolen
 * token. After this, presenting it is merely "unknown" (refused without revoking the session).
 */
export const EXPIRED_TOKEN_RETENTION_MS = 7 * DAY_MS;
const PRUNE_INTERVAL_MS = 3_600_000;

/** Keeps refresh_tokens from growing without bound: deletes tokens long past their expiry, hourly. */
@Injectable()
export class RefreshTokenPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RefreshTokenPruner.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly em: EntityManager) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.prune().catch((error: unknown) => this.logger.error({ err: error }, 'pruning refresh tokens failed'));
    }, PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Replicas may prune concurrently: the delete is idempotent. */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - EXPIRED_TOKEN_RETENTION_MS);
    return this.em.fork().nativeDelete(RefreshToken, { expiresAt: { $lt: cutoff } });
  }
}
