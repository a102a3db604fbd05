import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RevocationSync } from '@plinth/access-tokens';
import { AmqpConnection } from '@plinth/messaging';

/**
 * Runs RevocationSync once the transport has bound this replica's broadcast queue (start(), after the consumers
 * started) and again after every reconnection (the connection re-binds it before it says 'connected'), so no
 * revocation falls between auth's list and the live events. Readiness: up only while caught up.
 */
@Injectable()
export class RevocationSyncTrigger implements OnModuleDestroy {
  private started = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly sync: RevocationSync,
    private readonly health: HealthIndicatorService,
  ) {
    connection.events.on('connected', this.onConnected);
  }

  start(): void {
    this.started = true;
    void this.sync.resync();
  }

  isHealthy(key = 'revocations') {
    const indicator = this.health.check(key);
    return this.sync.isSynced() ? indicator.up() : indicator.down({ message: 'catching up on revocations from auth' });
  }

  onModuleDestroy(): void {
    this.connection.events.off('connected', this.onConnected);
    this.sync.stop();
  }

  private readonly onConnected = (): void => {
    if (this.started) void this.sync.resync();
  };
}
