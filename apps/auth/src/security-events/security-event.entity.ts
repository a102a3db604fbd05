import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { SecurityEventType } from '@plinth/contracts';
import { v7 as uuidv7 } from 'uuid';

/** One entry of a user's security trail; `createdAt` is when it happened (the keyset-page position). */
@Entity({ tableName: 'security_events' })
@Index({ name: 'security_events_user_id_created_at_index', properties: ['userId', 'createdAt', 'id'] })
export class SecurityEvent {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'uuid' })
  userId: string;

  @Property({ type: 'text' })
  type: SecurityEventType;

  /** Who did it: the user, an administrator, or null when nobody was authenticated (a failed login). */
  @Property({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Property({ type: 'text', nullable: true })
  address: string | null;

  @Property({ type: 'text', nullable: true })
  userAgent: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date;

  constructor(fields: Pick<SecurityEvent, 'userId' | 'type' | 'actorId' | 'address' | 'userAgent' | 'createdAt'>) {
    this.userId = fields.userId;
    this.type = fields.type;
    this.actorId = fields.actorId;
    this.address = fields.address;
    this.userAgent = fields.userAgent;
    this.createdAt = fields.createdAt;
  }
}
