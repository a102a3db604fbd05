import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * A user's TOTP second factor. The secret is stored sealed like the private signing keys (SIGNING_KEY_ENCRYPTION_KEY);
 * `lastUsedStep` makes every code usable once; failures lock the factor for a while, per account.
 */
@Entity({ tableName: 'totp_factors' })
export class TotpFactor {
  @PrimaryKey({ type: 'uuid' })
  userId: string;

  @Property({ type: 'text' })
  secret: string;

  /** Null while enrolment waits for its first code; login asks for a code only once confirmed. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  confirmedAt: Date | null = null;

  @Property({ type: 'bigint', nullable: true })
  lastUsedStep: number | null = null;

  @Property({ type: 'integer' })
  failedAttempts = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lockedUntil: Date | null = null;

  constructor(userId: string, secret: string) {
    this.userId = userId;
    this.secret = secret;
  }
}
