import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { NotificationType } from '@plinth/contracts';

/**
 * A notification shown to one user. Timestamps keep millisecond precision because list cursors
 * carry a JS Date: a microsecond column would make keyset pages skip or repeat rows.
 */
@Entity({ tableName: 'notifications' })
// Raw DDL rather than `columns`: MikroORM 7.2 introspection reads `id` inside `user_id` and drops
// the DESC of the last column, so a structural definition would never diff clean. Serves "my
// notifications, newest first" keyset pages; the partial one keeps the unread view small.
@Index({
  name: 'notifications_user_created_idx',
  expression: 'create index "notifications_user_created_idx" on "notifications" ("user_id", "created_at" desc, "id" desc)',
})
@Index({
  name: 'notifications_user_unread_idx',
  expression:
    'create index "notifications_user_unread_idx" on "notifications" ("user_id", "created_at" desc, "id" desc) where read = false',
})
@Index({
  name: 'notifications_user_sequence_idx',
  expression: 'create unique index "notifications_user_sequence_idx" on "notifications" ("user_id", "sequence")',
})
export class Notification {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'uuid' })
  userId: string;

  /** 1, 2, 3 … per user in commit order (see NotificationSequence): the live stream's cursor. */
  @Property({ type: 'integer' })
  sequence: number;

  @Property({ type: 'string', length: 50 })
  type: NotificationType;

  @Property({ type: 'string', length: 200 })
  title: string;

  @Property({ type: 'text' })
  body: string;

  @Property({ type: 'json' })
  data: Record<string, unknown>;

  @Property({ type: 'boolean', default: false })
  read = false;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date;
}
