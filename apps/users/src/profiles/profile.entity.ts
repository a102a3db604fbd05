import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * A user's public profile. The id is the auth service's user id, so both services name the same
 * person without a mapping table. Timestamps keep millisecond precision because list cursors carry
 * a JS Date: a microsecond column would make keyset pages skip or repeat rows.
 */
@Entity({ tableName: 'profiles' })
@Index({
  name: 'profiles_email_lower_prefix_idx',
  expression: 'create index "profiles_email_lower_prefix_idx" on "profiles" (lower("email") text_pattern_ops)',
})
@Index({ name: 'profiles_created_at_id_idx', columns: [{ name: 'created_at', sort: 'desc' }, { name: 'id', sort: 'desc' }] })
export class Profile {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'string', length: 254 })
  email: string;

  @Property({ type: 'string', length: 100 })
  displayName: string;

  /** Whether notifications also email this user; read by notifications when it sends. */
  @Property({ type: 'boolean', default: true })
  emailNotifications = true;

  /** Auth proved the address (`auth.email.verified`); auth owns the proof, this is its projection. */
  @Property({ type: 'boolean', default: false })
  emailVerified = false;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date;

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date;
}
