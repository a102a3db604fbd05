import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Proof that `consumer` has applied the event `messageId`; its primary key makes re-application impossible. */
@Entity({ tableName: 'inbox_message' })
export class InboxMessage {
  @PrimaryKey({ type: 'uuid', columnType: 'uuid' })
  messageId: string;

  @PrimaryKey({ type: 'text', columnType: 'text' })
  consumer: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  processedAt: Date;
}
