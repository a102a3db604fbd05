import type { EntityClass } from '@mikro-orm/core';
import { InboxMessage } from '../inbox/inbox-message.entity.js';
import { OutboxMessage } from './outbox-message.entity.js';

/** Add to the service's ORM entities next to its own. */
export const messagingEntities: EntityClass<object>[] = [OutboxMessage, InboxMessage];
