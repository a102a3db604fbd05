import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';

/**
 * One link of a session's refresh-token chain. Only the SHA-256 of the secret is stored; a used
 * link stays so that presenting it again is recognised as reuse.
 */
@Entity({ tableName: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Index({ name: 'refresh_tokens_session_id_index' })
  @Property({ type: 'uuid' })
  sessionId: string;

  /** Hex SHA-256 of the token secret. */
  @Property({ type: 'text', unique: 'refresh_tokens_token_hash_unique' })
  tokenHash: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Index({ name: 'refresh_tokens_expires_at_index' })
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  usedAt: Date | null = null;

  /** The token issued in exchange for this one. */
  @Property({ type: 'uuid', nullable: true })
  replacedBy: string | null = null;

  constructor(sessionId: string, tokenHash: string, createdAt: Date, expiresAt: Date) {
    this.sessionId = sessionId;
    this.tokenHash = tokenHash;
    this.createdAt = createdAt;
    this.expiresAt = expiresAt;
  }
}
