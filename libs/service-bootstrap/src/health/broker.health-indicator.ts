import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AmqpConnection } from '@plinth/messaging';

/** Readiness: the AMQP connection is up (it reconnects by itself; while it does, we are not ready). */
@Injectable()
export class BrokerHealthIndicator {
  constructor(
    private readonly connection: AmqpConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  isHealthy(key = 'broker') {
    const indicator = this.health.check(key);
    return this.connection.isConnected() ? indicator.up() : indicator.down({ message: 'not connected to RabbitMQ' });
  }
}
