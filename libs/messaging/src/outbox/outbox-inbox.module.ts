import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { EventPublisher } from '../events/event-publisher.js';
import { Inbox } from '../inbox/inbox.service.js';
import { DEFAULT_OUTBOX_RELAY_OPTIONS, OUTBOX_RELAY_OPTIONS, type OutboxRelayOptions } from './outbox-relay.options.js';
import { OutboxRelay } from './outbox-relay.service.js';
import { Outbox } from './outbox.service.js';

const relayProvider: Provider = {
  provide: OutboxRelay,
  useFactory: (orm: MikroORM, publisher: EventPublisher, options?: Partial<OutboxRelayOptions>) =>
    new OutboxRelay(orm, publisher, { ...DEFAULT_OUTBOX_RELAY_OPTIONS, ...options }),
  inject: [MikroORM, EventPublisher, { token: OUTBOX_RELAY_OPTIONS, optional: true }],
};

/**
 * Outbox and Inbox for a service that owns a database; runs the relay from application bootstrap until shutdown.
 * Needs MikroORM (PersistenceModule) and EventPublisher (MessagingModule) from the importing application.
 */
@Global()
@Module({
  providers: [relayProvider, Outbox, Inbox],
  exports: [Outbox, Inbox, OutboxRelay],
})
export class OutboxInboxModule {
  /** Same as importing the class, with relay tuning (tests, benchmarks); omitted fields keep their defaults. */
  static forRoot(relayOptions: Partial<OutboxRelayOptions>): DynamicModule {
    return { module: OutboxInboxModule, providers: [{ provide: OUTBOX_RELAY_OPTIONS, useValue: relayOptions }] };
  }
}
