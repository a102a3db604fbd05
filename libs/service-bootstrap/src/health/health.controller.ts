import { Controller, Get, Inject, Optional, ServiceUnavailableException, type OnModuleDestroy } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from '@plinth/persistence';
import { BrokerHealthIndicator } from './broker.health-indicator.js';
import { RevocationSyncTrigger } from './revocation-sync.trigger.js';

/**
 * /healthz: the process is alive (no dependencies, so a database outage never restarts pods).
 * /readyz: broker and database answer and the revocations are caught up (RevocationSyncTrigger); 503 otherwise and from the moment shutdown begins, so
 * load balancers stop sending traffic before the server stops accepting it.
 */
@Controller()
export class HealthController implements OnModuleDestroy {
  private shuttingDown = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly broker: BrokerHealthIndicator,
    private readonly revocations: RevocationSyncTrigger,
    @Optional() @Inject(DatabaseHealthIndicator) private readonly database?: DatabaseHealthIndicator,
  ) {}

  onModuleDestroy(): void {
    this.shuttingDown = true;
  }

  @Get('healthz')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('readyz')
  @HealthCheck()
  ready() {
    if (this.shuttingDown) throw new ServiceUnavailableException({ status: 'error', error: { shutdown: { status: 'down' } } });
    const checks: HealthIndicatorFunction[] = [() => this.broker.isHealthy(), () => this.revocations.isHealthy()];
    const database = this.database;
    if (database) checks.push(() => database.isHealthy());
    return this.health.check(checks);
  }
}
