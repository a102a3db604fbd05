import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * The last stream sequence handed out per user. Incremented with `insert … on conflict do update`
 * inside the transaction that stores the notification: the row lock serializes a user's
 * notifications, so sequence order is commit order and a stream cursor never skips a later commit.
 */
@Entity({ tableName: 'notification_sequences' })
export class NotificationSequence {
  @PrimaryKey({ type: 'uuid' })
  userId: string;

  @Property({ type: 'integer' })
  lastSequence: number;
}
