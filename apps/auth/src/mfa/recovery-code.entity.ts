import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';

/** One recovery code, stored as its SHA-256 (50 random bits, not a password: no stretching needed), usable once. */
@Entity({ tableName: 'recovery_codes' })
@Index({ name: 'recovery_codes_user_id_index', properties: ['userId'] })
export class RecoveryCode {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'uuid' })
  userId: string;

  @Property({ type: 'text' })
  codeHash: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  usedAt: Date | null = null;

  constructor(userId: string, codeHash: string) {
    this.userId = userId;
    this.codeHash = codeHash;
  }
}
