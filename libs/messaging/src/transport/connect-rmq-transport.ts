import type { INestApplication } from '@nestjs/common';
import { AmqpConnection } from '../connection/amqp-connection.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging.options.js';
import { RmqServer } from './rmq-server.js';
import { RpcErrorsInterceptor } from './rpc-errors.interceptor.js';

/**
 * Attaches the RabbitMQ transport to an app (hybrid app: HTTP for health, AMQP for work); consumers
 * start with `app.startAllMicroservices()`. Call it AFTER `app.useGlobalPipes(...)`: Nest binds
 * global pipes/interceptors to message handlers when the microservice is connected, and
 * `inheritAppConfig` is what makes the app's ValidationPipe apply to them at all.
 */
export function connectRmqTransport(app: INestApplication): void {
  const connection = app.get(AmqpConnection);
  const options = app.get<ResolvedMessagingOptions>(MESSAGING_OPTIONS);
  app.useGlobalInterceptors(new RpcErrorsInterceptor());
  app.connectMicroservice({ strategy: new RmqServer(connection, options) }, { inheritAppConfig: true });
}
