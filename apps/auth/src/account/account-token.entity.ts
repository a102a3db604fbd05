import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';

/** 'mfa-login': the short-lived mfaToken between the password step and the code step of a login. */
export type AccountTokenPurpose = 'email-verification' | 'password-reset' | 'mfa-login';

/**
 * A one-time token sent by email. Only the SHA-256 of the secret is stored; it is spent once (`usedAt`) and void once
 * a newer token of the same purpose is issued or the password changes (`invalidatedAt`).
 */
@Entity({ tableName: 'account_tokens' })
@Index({ name: 'account_tokens_user_id_purpose_index', properties: ['userId', 'purpose'] })
export class AccountToken {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'uuid' })
  userId: string;

  @Property({ type: 'text' })
  purpose: AccountTokenPurpose;

  /** Hex SHA-256 of the secret. */
  @Property({ type: 'text', unique: 'account_tokens_token_hash_unique' })
  tokenHash: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  usedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  invalidatedAt: Date | null = null;

  constructor(fields: Pick<AccountToken, 'userId' | 'purpose' | 'tokenHash' | 'createdAt' | 'expiresAt'>) {
    this.userId = fields.userId;
    this.purpose = fields.purpose;
    this.tokenHash = fields.tokenHash;
    this.createdAt = fields.createdAt;
    this.expiresAt = fields.expiresAt;
  }

  isUsable(now: Date): boolean {
    return this.usedAt === null && this.invalidatedAt === null && this.expiresAt.getTime() > now.getTime();
  }
}
