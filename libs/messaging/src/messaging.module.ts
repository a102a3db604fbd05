import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AmqpConnection } from './connection/amqp-connection.js';
import { EventPublisher } from './events/event-publisher.js';
import { resolveMessagingOptions } from './messaging-options.resolve.js';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';
import { RpcClient } from './rpc/rpc-client.js';

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: resolveMessagingOptions(options) },
        AmqpConnection,
        RpcClient,
        EventPublisher,
      ],
      exports: [MESSAGING_OPTIONS, AmqpConnection, RpcClient, EventPublisher],
    };
  }
}
