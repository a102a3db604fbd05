import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { ClientContext, SessionRevokedData } from '@plinth/contracts';
import { v7 as uuidv7 } from 'uuid';

export type RevokeReason = SessionRevokedData['reason'];

/** One login: its id is the `sid` claim of every access token issued within it. */
@Entity({ tableName: 'sessions' })
export class Session {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Index({ name: 'sessions_user_id_index' })
  @Property({ type: 'uuid' })
  userId: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Index({ name: 'sessions_revoked_at_index' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  revokeReason: RevokeReason | null = null;

  /** The login or the last refresh: the idle timeout counts from here. */
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  lastUsedAt: Date;

  /** User agent and address of the last login or refresh, as the gateway saw them. */
  @Property({ type: 'text', nullable: true })
  userAgent: string | null = null;

  @Property({ type: 'text', nullable: true })
  address: string | null = null;

  constructor(userId: string, createdAt: Date, client: ClientContext) {
    this.userId = userId;
    this.createdAt = createdAt;
    this.touch(createdAt, client);
  }

  touch(now: Date, client: ClientContext): void {
    this.lastUsedAt = now;
    this.userAgent = client.userAgent ?? null;
    this.address = client.address ?? null;
  }

  get isActive(): boolean {
    return this.revokedAt === null;
  }

  revoke(reason: RevokeReason, now: Date): void {
    this.revokedAt = now;
    this.revokeReason = reason;
  }
}
