import {
  ErrorCodes,
  Roles,
  UsersPreferencesRpc,
  UsersRpc,
  type Actor,
  type NotificationRecipient,
  type Page,
  type UserPreferences,
  type UserProfile,
} from '@plinth/contracts';
import { ATTEMPTS_HEADER, ERROR_HEADER } from '@plinth/messaging';
import { waitUntil } from '@plinth/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_FROM_REGISTRATION } from '../src/profiles/profiles.service.js';
import { UsersTestSystem } from './support/users-test-system.js';

let harness: UsersTestSystem;

beforeAll(async () => {
  harness = await UsersTestSystem.start();
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});

const admin: Actor = { userId: randomUUID(), roles: [Roles.USER, Roles.ADMIN] };
const userActor = (userId: string): Actor => ({ userId, roles: [Roles.USER] });
let sequence = 0;
const newUser = (label = 'user') => {
  const userId = randomUUID();
  return { userId, email: `${label}-${++sequence}-${userId.slice(0, 8)}@example.test`, displayName: `${label} ${sequence}` };
};

const send = <T>(pattern: string, payload: object) => harness.rpc.send<T>(pattern, payload);
const ensure = (user: ReturnType<typeof newUser>) => send<UserProfile>(UsersRpc.ensureProfile, user);
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected the RPC to be refused'),
    (reason: unknown) => reason as { code: string; details?: { fieldErrors?: { field: string }[] } },
  );
const profileRows = (userId: string) =>
  harness.sql<{ email: string; display_name: string; created_at: string }>('select email, display_name, created_at from profiles where id = ?', [userId]);
const inboxRows = (eventId: string) =>
  harness.sql<{ consumer: string }>('select consumer from inbox_message where message_id = ?', [eventId]);

/** The service handles its event queue one at a time (PREFETCH=1): once this profile exists, every event published before it was handled. */
async function afterEarlierEvents(): Promise<void> {
  const sentinel = newUser('sentinel');
  await harness.publish(harness.registeredEvent(sentinel));
  await waitUntil(async () => (await profileRows(sentinel.userId)).length === 1);
}

describe('auth.user.registered', () => {
  it('creates the profile from the event', async () => {
    const user = newUser('registered');
    await harness.publish(harness.registeredEvent(user));
    await waitUntil(async () => (await profileRows(user.userId)).length === 1);

    const profile = await send<UserProfile>(UsersRpc.getProfile, { actor: userActor(user.userId), userId: user.userId });
    expect(profile).toMatchObject({ id: user.userId, email: user.email, displayName: user.displayName });
    expect(profile.createdAt).toBe(profile.updatedAt);
  });

  it('creates exactly one profile and one inbox record when the same event is delivered twice', async () => {
    const user = newUser('twice');
    const event = harness.registeredEvent(user);
    await harness.publish(event);
    await harness.publish(event);
    await afterEarlierEvents();

    expect(await profileRows(user.userId)).toHaveLength(1);
    expect(await inboxRows(event.id)).toEqual([{ consumer: PROFILE_FROM_REGISTRATION }]);
  });

  it('dead-letters an event that fails validation at once and keeps consuming', async () => {
    const bad = harness.registeredEvent({ ...newUser('invalid'), userId: 'not-a-uuid' });
    await harness.publish(bad);
    await afterEarlierEvents();

    let deadLetters: Awaited<ReturnType<UsersTestSystem['drainDeadLetters']>> = [];
    await waitUntil(async () => (deadLetters = await harness.drainDeadLetters()).length > 0);
    expect(deadLetters.map((letter) => letter.body.id)).toEqual([bad.id]);
    const [letter] = deadLetters;
    expect(letter?.headers[ATTEMPTS_HEADER]).toBe(1);
    expect(String(letter?.headers[ERROR_HEADER])).toMatch(/^invalid event/);
    expect(await inboxRows(bad.id)).toEqual([]);
  });
});

describe('users.profile.ensure and the registration event converge on one profile', () => {
  it('keeps the profile the ensure call created when the event arrives later', async () => {
    const user = newUser('ensure-first');
    const ensured = await ensure(user);
    await harness.publish(harness.registeredEvent({ ...user, displayName: 'Renamed By A Late Event' }));
    await afterEarlierEvents();

    expect((await profileRows(user.userId)).map((row) => row.display_name)).toEqual([user.displayName]);
    expect(await ensure(user)).toStrictEqual(ensured);
  });

  it('returns the profile the event created when the ensure call comes later', async () => {
    const user = newUser('event-first');
    await harness.publish(harness.registeredEvent(user));
    await waitUntil(async () => (await profileRows(user.userId)).length === 1);
    const [stored] = await profileRows(user.userId);

    const ensured = await ensure({ ...user, displayName: 'Other Name' });
    expect(ensured).toMatchObject({ id: user.userId, displayName: user.displayName, createdAt: new Date(String(stored?.created_at)).toISOString() });
  });

  it('ends with one profile when the event and several ensure calls race', async () => {
    const user = newUser('race');
    const [, ...ensured] = await Promise.all([harness.publish(harness.registeredEvent(user)), ensure(user), ensure(user), ensure(user)]);
    await afterEarlierEvents();

    expect(await profileRows(user.userId)).toHaveLength(1);
    expect(new Set(ensured.map((profile) => JSON.stringify(profile))).size).toBe(1);
  });

  it('refuses an invalid ensure request with field errors', async () => {
    const error = await rejection(ensure({ ...newUser(), email: 'not-an-email' }));
    expect(error.code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect(error.details?.fieldErrors?.map((fieldError) => fieldError.field)).toEqual(['email']);
  });
});

describe('users.profile.get', () => {
  it('serves a user their own profile', async () => {
    const user = newUser();
    const ensured = await ensure(user);
    expect(await send(UsersRpc.getProfile, { actor: userActor(user.userId), userId: user.userId })).toStrictEqual(ensured);
  });

  it('serves an admin anyone\'s profile', async () => {
    const user = newUser();
    const ensured = await ensure(user);
    expect(await send(UsersRpc.getProfile, { actor: admin, userId: user.userId })).toStrictEqual(ensured);
  });

  it('answers USERS.NOT_FOUND for another user\'s profile, exactly as for a missing one', async () => {
    const owner = newUser();
    await ensure(owner);
    const stranger = userActor(randomUUID());
    const foreign = await rejection(send(UsersRpc.getProfile, { actor: stranger, userId: owner.userId }));
    const missing = await rejection(send(UsersRpc.getProfile, { actor: admin, userId: randomUUID() }));
    expect([foreign.code, missing.code]).toEqual([ErrorCodes.USERS_NOT_FOUND, ErrorCodes.USERS_NOT_FOUND]);
  });
});

describe('requests without an actor', () => {
  it.each([UsersRpc.getProfile, UsersRpc.updateProfile, UsersRpc.list])('%s refuses them: unauthenticated without a token, a field error on actor with one', async (pattern) => {
    const payload = { userId: randomUUID(), displayName: 'Nobody' };
    expect((await rejection(send(pattern, payload))).code).toBe(ErrorCodes.UNAUTHENTICATED);
    const error = await rejection(harness.rpc.send(pattern, payload, { headers: await harness.rpc.headersFor(userActor(payload.userId)) }));
    expect(error.code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect(error.details?.fieldErrors?.map((fieldError) => fieldError.field)).toContain('actor');
  });
});

describe('users.profile.update', () => {
  it('changes the display name and updatedAt, nothing else', async () => {
    const user = newUser();
    const before = await ensure(user);
    await new Promise((resolve) => setTimeout(resolve, 5));

    const after = await send<UserProfile>(UsersRpc.updateProfile, { actor: userActor(user.userId), userId: user.userId, displayName: 'Ada King' });
    expect(after).toMatchObject({ id: before.id, email: before.email, displayName: 'Ada King', createdAt: before.createdAt });
    expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
    expect(await send(UsersRpc.getProfile, { actor: userActor(user.userId), userId: user.userId })).toStrictEqual(after);
  });

  it('answers USERS.NOT_FOUND to another user and leaves the profile unchanged', async () => {
    const owner = newUser();
    const before = await ensure(owner);
    const error = await rejection(
      send(UsersRpc.updateProfile, { actor: userActor(randomUUID()), userId: owner.userId, displayName: 'Hijacked' }),
    );
    expect(error.code).toBe(ErrorCodes.USERS_NOT_FOUND);
    expect(await ensure(owner)).toStrictEqual(before);
  });

  it('refuses an admin changing someone else\'s profile with COMMON.FORBIDDEN', async () => {
    const owner = newUser();
    await ensure(owner);
    const error = await rejection(send(UsersRpc.updateProfile, { actor: admin, userId: owner.userId, displayName: 'Admin Was Here' }));
    expect(error.code).toBe(ErrorCodes.FORBIDDEN);
  });

  it('refuses fields other than displayName', async () => {
    const user = newUser();
    await ensure(user);
    const error = await rejection(
      send(UsersRpc.updateProfile, { actor: userActor(user.userId), userId: user.userId, displayName: 'Ada', email: 'evil@example.test' }),
    );
    expect(error.code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect(error.details?.fieldErrors?.map((fieldError) => fieldError.field)).toEqual(['email']);
  });

  // The service validates its RPCs with the same contracts as the gateway: a message sent past the gateway
  // (straight onto the broker) meets the text rule too, and the stored name stays as it was.
  it.each([['NUL', 'Ada\u0000King'], ['an unpaired surrogate', 'Ada\udfffKing']])('refuses a displayName with %s on the field', async (_case, displayName) => {
    const user = newUser();
    await ensure(user);
    const error = await rejection(send(UsersRpc.updateProfile, { actor: userActor(user.userId), userId: user.userId, displayName }));
    expect(error.code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect(error.details?.fieldErrors?.map((fieldError) => fieldError.field)).toEqual(['displayName']);
    expect((await profileRows(user.userId))[0]?.display_name).toBe(user.displayName);
  });
});

describe('users.list', () => {
  const list = (query: object) => send<Page<UserProfile>>(UsersRpc.list, { actor: admin, ...query });
  const insertProfile = (id: string, email: string, createdAt: Date) =>
    harness.sql('insert into profiles (id, email, display_name, created_at, updated_at) values (?, ?, ?, ?, ?)', [id, email, 'Listed', createdAt, createdAt]);

  it('refuses a non-admin with COMMON.FORBIDDEN', async () => {
    const error = await rejection(send(UsersRpc.list, { actor: userActor(randomUUID()) }));
    expect(error.code).toBe(ErrorCodes.FORBIDDEN);
  });

  it('pages newest first without gaps or duplicates, ties on createdAt included, while profiles are added', async () => {
    const prefix = `paged-${randomUUID().slice(0, 8)}-`;
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const seeded = Array.from({ length: 8 }, (_, index) => ({
      id: randomUUID(),
      // Three pairs share a timestamp, so only the id can order them.
      createdAt: new Date(base + Math.floor(index / 2) * 1000),
    }));
    for (const [index, profile] of seeded.entries()) await insertProfile(profile.id, `${prefix}${index}@example.test`, profile.createdAt);
    const expected = [...seeded]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((profile) => profile.id);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ email: prefix, limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((profile) => profile.id));
      cursor = page.nextCursor ?? undefined;
      // Newer than every row already paged past: must not show up on a later page.
      await insertProfile(randomUUID(), `${prefix}late-${seen.length}@example.test`, new Date());
    } while (cursor);

    expect(seen).toEqual(expected);
  });

  it('treats % and _ in the email filter literally and ignores case', async () => {
    const prefix = `wild-${randomUUID().slice(0, 8)}`;
    const at = new Date();
    const emails = {
      underscore: `${prefix}_a@example.test`,
      underscoreUpper: `${prefix.toUpperCase()}_B@example.test`,
      letter: `${prefix}xa@example.test`,
      percent: `${prefix}%a@example.test`,
      backslash: `${prefix}\\a@example.test`,
    };
    for (const email of Object.values(emails)) await insertProfile(randomUUID(), email, at);
    const emailsFor = async (filter: string) => (await list({ email: filter, limit: 100 })).items.map((profile) => profile.email).sort();

    expect(await emailsFor(`${prefix}_`)).toEqual([emails.underscore, emails.underscoreUpper].sort());
    expect(await emailsFor(`${prefix}%`)).toEqual([emails.percent]);
    expect(await emailsFor(`${prefix}\\`)).toEqual([emails.backslash]);
    expect(await emailsFor(prefix.toUpperCase())).toEqual(Object.values(emails).sort());
  });

  it.each([
    ['a date without time', '2026-01-01|nope'],
    ['an id that is not a UUID', '2026-01-01T00:00:00.000Z|nope'],
    ['a timestamp of year 0000', `0000-01-01T00:00:00.000Z|${randomUUID()}`],
  ])('refuses a cursor it did not issue (%s) with COMMON.INVALID_CURSOR', async (_case, decoded) => {
    const error = await rejection(list({ cursor: Buffer.from(decoded).toString('base64url') }));
    expect(error.code).toBe(ErrorCodes.INVALID_CURSOR);
    expect(error.details?.fieldErrors?.map((fieldError) => fieldError.field)).toEqual(['cursor']);
  });
});

describe('preferences', () => {
  const updatePreferences = (actor: Actor, userId: string, emailNotifications: boolean) =>
    send<UserPreferences>(UsersPreferencesRpc.update, { actor, userId, emailNotifications });
  const recipient = (userId: string) => send<NotificationRecipient>(UsersPreferencesRpc.recipient, { userId });

  it('emails notifications by default and tells the sender where to', async () => {
    const user = newUser('recipient');
    await ensure(user);
    expect(await recipient(user.userId)).toEqual({ userId: user.userId, email: user.email, displayName: user.displayName, emailNotifications: true });
  });

  it('lets the user turn email notifications off and on again, and the sender sees it', async () => {
    const user = newUser('prefs');
    await ensure(user);
    expect(await updatePreferences(userActor(user.userId), user.userId, false)).toEqual({ emailNotifications: false });
    expect((await recipient(user.userId)).emailNotifications).toBe(false);
    expect(await updatePreferences(userActor(user.userId), user.userId, true)).toEqual({ emailNotifications: true });
    expect((await recipient(user.userId)).emailNotifications).toBe(true);
  });

  it('answers USERS.NOT_FOUND to anyone else, admins included, and changes nothing', async () => {
    const user = newUser('prefs-other');
    await ensure(user);
    for (const actor of [userActor(randomUUID()), admin]) {
      expect((await rejection(updatePreferences(actor, user.userId, false))).code).toBe(ErrorCodes.USERS_NOT_FOUND);
    }
    expect((await recipient(user.userId)).emailNotifications).toBe(true);
  });

  it('answers USERS.NOT_FOUND for the recipient of an unknown user', async () => {
    expect((await rejection(recipient(randomUUID()))).code).toBe(ErrorCodes.USERS_NOT_FOUND);
  });
});

describe('users.profiles.get-many', () => {
  const getMany = (actor: Actor, userIds: string[]) => send<UserProfile[]>(UsersRpc.getProfiles, { actor, userIds });

  it('gives an admin every existing profile asked for, once each, and leaves out unknown ids', async () => {
    const [first, second] = [newUser('many'), newUser('many')];
    await ensure(first);
    await ensure(second);
    const profiles = await getMany(admin, [first.userId, second.userId, first.userId, randomUUID()]);
    expect(profiles.map((profile) => profile.id).sort()).toEqual([first.userId, second.userId].sort());
  });

  it('gives a non-admin only its own profile, whatever else it asks for', async () => {
    const [caller, other] = [newUser('self'), newUser('other')];
    await ensure(caller);
    await ensure(other);
    const profiles = await getMany(userActor(caller.userId), [other.userId, caller.userId]);
    expect(profiles).toEqual([expect.objectContaining({ id: caller.userId, email: caller.email })]);
    expect(await getMany(userActor(caller.userId), [other.userId])).toEqual([]);
  });

  it('refuses an empty list, a non-UUID and more than 100 ids with COMMON.VALIDATION_FAILED', async () => {
    for (const userIds of [[], ['not-a-uuid'], Array.from({ length: 101 }, () => randomUUID())]) {
      const error = await rejection(getMany(admin, userIds));
      expect(error.code).toBe(ErrorCodes.VALIDATION_FAILED);
    }
  });
});
