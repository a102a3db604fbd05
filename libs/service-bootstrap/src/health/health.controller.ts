import { Controller, Get, Inject, Optional, ServiceUnavailableException, type OnModuleDestroy } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from '@plinth/persistence';
import { BrokerHealthIndicator } from './broker.health-indicator.js';
import { ReadinessGates } from './readiness-gates.js';
import { RevocationSyncTrigger } from './revocation-sync.trigger.js';

/**
 * /healthz: the process is alive (no dependencies, so a database outage never restarts pods).
 * /readyz: broker and database answer and the revocations are caught up (RevocationSyncTrigger); 503 otherwise and from the moment shutdown begins, so
 * load balancers stop sending traffic before the server stops accepting it.
 */
// Terminus' answer: every indicator under `info` (up) or `error` (down), all of them under `details`.
const INDICATORS: SchemaObject = { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] } }, required: ['status'] } };
const HEALTH_RESULT: SchemaObject = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['ok'] }, info: INDICATORS, error: INDICATORS, details: INDICATORS },
  required: ['status', 'details'],
  additionalProperties: false,
  example: { status: 'ok', info: {}, error: {}, details: {} },
};

@ApiTags('operations')
@Controller()
export class HealthController implements OnModuleDestroy {
  private shuttingDown = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly broker: BrokerHealthIndicator,
    private readonly revocations: RevocationSyncTrigger,
    private readonly gates: ReadinessGates,
    @Optional() @Inject(DatabaseHealthIndicator) private readonly database?: DatabaseHealthIndicator,
  ) {}

  onModuleDestroy(): void {
    this.shuttingDown = true;
  }

  @Get('healthz')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: the process answers (checks no dependency)' })
  @ApiOkResponse({ description: 'Alive', schema: HEALTH_RESULT })
  live() {
    return this.health.check([]);
  }

  @Get('readyz')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: the broker (and the database, where the service has one) answer and revocations are caught up' })
  @ApiOkResponse({ description: 'Ready for traffic', schema: HEALTH_RESULT })
  @ApiResponse({ status: 503, description: 'Not ready (a dependency is down, or shutting down)' })
  ready() {
    if (this.shuttingDown) throw new ServiceUnavailableException({ status: 'error', error: { shutdown: { status: 'down' } } });
    const checks: HealthIndicatorFunction[] = [() => this.broker.isHealthy(), () => this.revocations.isHealthy()];
    const database = this.database;
    if (database) checks.push(() => database.isHealthy());
    checks.push(...this.gates.indicators());
    return this.health.check(checks);
  }
}
