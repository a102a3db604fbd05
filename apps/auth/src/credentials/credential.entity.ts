import { ArrayType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { Role } from '@plinth/contracts';
import { v7 as uuidv7 } from 'uuid';

/** A user's identity as auth knows it: login email, argon2id hash and roles. */
@Entity({ tableName: 'credentials' })
export class Credential {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  /** Always stored lower-cased (see normalizeEmail), so the unique index is case-insensitive in effect. */
  @Property({ type: 'text', unique: 'credentials_email_unique' })
  email: string;

  @Property({ type: 'text' })
  passwordHash: string;

  /** The name given at registration, echoed in AuthResult; the users service owns the live profile. */
  @Property({ type: 'text' })
  displayName: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  roles: Role[];

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** Tokens issued before it carry stale roles; listed by `auth.revocations.recent` while such tokens may live. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  rolesChangedAt: Date | null = null;

  /** Set when the owner proved the address (a verification token from the email); null until then. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null = null;

  /** Set by an administrator: no login, no refresh until enabled again. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  disabledAt: Date | null = null;

  constructor(email: string, passwordHash: string, displayName: string, roles: Role[]) {
    this.email = email;
    this.passwordHash = passwordHash;
    this.displayName = displayName;
    this.roles = roles;
  }
}
