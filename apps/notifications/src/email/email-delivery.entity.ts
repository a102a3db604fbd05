import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

export const EmailDeliveryStatuses = ['pending', 'sent', 'skipped', 'dead'] as const;
export type EmailDeliveryStatus = (typeof EmailDeliveryStatuses)[number];

/**
 * One email per notification (the primary key makes a second one impossible), written in the
 * transaction that stores the notification and sent afterwards by EmailSender. `sent` records the
 * SMTP server's acceptance; `dead` = gave up after EMAIL_MAX_ATTEMPTS (re-drive: set `pending`).
 */
@Entity({ tableName: 'email_deliveries' })
@Index({
  name: 'email_deliveries_due_idx',
  expression: `create index "email_deliveries_due_idx" on "email_deliveries" ("next_attempt_at") where status = 'pending'`,
})
export class EmailDelivery {
  @PrimaryKey({ type: 'uuid' })
  notificationId: string;

  @Property({ type: 'string', length: 20 })
  status: EmailDeliveryStatus = 'pending';

  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  @Property({ type: 'datetime', length: 3 })
  nextAttemptAt: Date;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date;
}
