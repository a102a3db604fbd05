import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  ApplicationError,
  DEFAULT_PAGE_LIMIT,
  ErrorCodes,
  isAdmin,
  type Actor,
  type EmailVerifiedEvent,
  type EnsureProfileRequest,
  type ListUsersRequest,
  type NotificationRecipient,
  type Page,
  type UserPreferences,
  type UserProfile,
  type UserRegisteredEvent,
} from '@plinth/contracts';
import { Inbox } from '@plinth/messaging';
import { decodeCursor, toKeysetPage } from '@plinth/persistence';
import { emailPrefixPattern } from './email-prefix-pattern.js';
import { Profile } from './profile.entity.js';
import { toUserProfile } from './profile.mapper.js';

/** Inbox consumer names: renaming one would make already-applied events look new. */
const EMAIL_VERIFIED = 'users.email-verified';
export const PROFILE_FROM_REGISTRATION = 'users.profile-from-registration';

interface NewProfile {
  userId: string;
  email: string;
  displayName: string;
}

const notFound = () => new ApplicationError(ErrorCodes.USERS_NOT_FOUND, 'User not found');

@Injectable()
export class ProfilesService {
  constructor(
    private readonly em: EntityManager,
    private readonly inbox: Inbox,
  ) {}

  /** The registration event and the gateway's ensure call race; whichever inserts first wins, the other is a no-op. */
  async createFromRegistration(event: UserRegisteredEvent): Promise<void> {
    await this.inbox.process(event, PROFILE_FROM_REGISTRATION, (em) => this.insertIfAbsent(em, event.data));
  }

  /** Projects auth's proof of the address. A profile not there yet is an error, so the broker retries the event. */
  async markEmailVerified(event: EmailVerifiedEvent): Promise<void> {
    await this.inbox.process(event, EMAIL_VERIFIED, async (em) => {
      const updated = await em.nativeUpdate(Profile, { id: event.data.userId }, { emailVerified: true });
      if (updated === 0) throw new Error(`no profile ${event.data.userId} yet to mark its email verified`);
    });
  }

  async ensure(request: EnsureProfileRequest): Promise<UserProfile> {
    const em = this.em.fork();
    await this.insertIfAbsent(em, request);
    return toUserProfile(await em.findOneOrFail(Profile, { id: request.userId }));
  }

  async get(actor: Actor, userId: string): Promise<UserProfile> {
    if (actor.userId !== userId && !isAdmin(actor)) throw notFound();
    const profile = await this.em.fork().findOne(Profile, { id: userId });
    if (!profile) throw notFound();
    return toUserProfile(profile);
  }

  /** Object-level authorization as in get(): a non-admin sees only itself; ids it may not see are simply absent. */
  async getMany(actor: Actor, userIds: string[]): Promise<UserProfile[]> {
    const visible = isAdmin(actor) ? [...new Set(userIds)] : userIds.filter((id) => id === actor.userId).slice(0, 1);
    if (visible.length === 0) return [];
    const profiles = await this.em.fork().find(Profile, { id: { $in: visible } });
    return profiles.map(toUserProfile);
  }

  async updateDisplayName(actor: Actor, userId: string, displayName: string): Promise<UserProfile> {
    if (actor.userId !== userId) {
      // An admin may see the profile, so refusing plainly leaks nothing; anyone else learns nothing.
      if (isAdmin(actor)) throw new ApplicationError(ErrorCodes.FORBIDDEN, 'Only the user may change their profile');
      throw notFound();
    }
    const em = this.em.fork();
    const profile = await em.findOne(Profile, { id: userId });
    if (!profile) throw notFound();
    profile.displayName = displayName;
    profile.updatedAt = new Date();
    await em.flush();
    return toUserProfile(profile);
  }

  /** Only the user themself: preferences are not an admin's to change. */
  async updatePreferences(actor: Actor, userId: string, emailNotifications: boolean): Promise<UserPreferences> {
    if (actor.userId !== userId) throw notFound();
    const em = this.em.fork();
    const profile = await em.findOne(Profile, { id: userId });
    if (!profile) throw notFound();
    profile.emailNotifications = emailNotifications;
    profile.updatedAt = new Date();
    await em.flush();
    return { emailNotifications: profile.emailNotifications };
  }

  /** For notifications' email sender, read at send time so a preference change applies to every later email. */
  async recipient(userId: string): Promise<NotificationRecipient> {
    const profile = await this.em.fork().findOne(Profile, { id: userId });
    if (!profile) throw notFound();
    return { userId: profile.id, email: profile.email, displayName: profile.displayName, emailNotifications: profile.emailNotifications };
  }

  /** Newest first; keyset pagination on (createdAt, id) so pages never skip or repeat rows under inserts. */
  async list(request: ListUsersRequest): Promise<Page<UserProfile>> {
    if (!isAdmin(request.actor)) throw new ApplicationError(ErrorCodes.FORBIDDEN, 'Only administrators may list users');
    const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
    const qb = this.em
      .fork()
      .createQueryBuilder(Profile, 'p')
      .select('*')
      .orderBy({ createdAt: 'desc', id: 'desc' })
      .limit(limit + 1);
    if (request.email !== undefined) qb.andWhere('lower(p.email) like ?', [emailPrefixPattern(request.email)]);
    if (request.cursor !== undefined) {
      const after = decodeCursor(request.cursor);
      qb.andWhere('(p.created_at, p.id) < (?, ?)', [after.createdAt, after.id]);
    }
    const rows = await qb.getResult();
    return toKeysetPage(rows, limit, toUserProfile);
  }

  private async insertIfAbsent(em: EntityManager, profile: NewProfile): Promise<void> {
    const now = new Date();
    await em
      .createQueryBuilder(Profile)
      .insert({ id: profile.userId, email: profile.email, displayName: profile.displayName, emailNotifications: true, emailVerified: false, createdAt: now, updatedAt: now })
      .onConflict('id')
      .ignore()
      .execute();
  }
}
