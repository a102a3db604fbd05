import { MikroORM } from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';
import { AuthEvents, Roles, type EventEnvelope } from '@plinth/contracts';
import { messagingEntities, messagingMigrations, Outbox, OutboxMessage, type OutboxRelay } from '@plinth/messaging';
import { buildOrmOptions, runMigrations } from '@plinth/persistence';
import { createTestDatabase, type TestDatabase } from '@plinth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdminSeedService } from '../src/admin-seed/admin-seed.service.js';
import { authEntities } from '../src/auth-entities.js';
import { AuthConfig } from '../src/config.js';
import { Credential } from '../src/credentials/credential.entity.js';
import { PasswordHasher } from '../src/credentials/password-hasher.js';
import { authMigrations } from '../src/migrations/auth-migrations.js';

const ADMIN_EMAIL = 'root@plinth.test';

// The seed's own rules on a real database, outbox rows included; the relay is not under test here.
describe('AdminSeedService (real Postgres, real outbox table)', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  let seed: AdminSeedService;

  const outboxEvents = async (type: string) =>
    (await orm.em.fork().find(OutboxMessage, { type })).map((row) => row.payload as EventEnvelope<{ email?: string; roles?: string[] }>);

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createTestDatabase('auth_seed');
    orm = await MikroORM.init(
      buildOrmOptions({
        serviceName: 'auth-test',
        clientUrl: database.url,
        entities: [...authEntities, ...messagingEntities],
        migrations: [...authMigrations, ...messagingMigrations],
      }),
    );
    await runMigrations(orm);
    const config = Object.assign(new AuthConfig(), { ADMIN_EMAIL: 'Root@Plinth.test', ADMIN_PASSWORD: 'admin password of the seed test' });
    const relay = { wake: () => undefined } as unknown as OutboxRelay;
    seed = new AdminSeedService(orm.em, new Outbox(relay), new PasswordHasher(), config);
  });

  beforeEach(async () => {
    await orm.em.fork().nativeDelete(OutboxMessage, {});
    await orm.em.fork().nativeDelete(Credential, {});
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('creates the admin account once, with one auth.user.registered, however often it runs', async () => {
    await Promise.all([seed.onApplicationBootstrap(), seed.onApplicationBootstrap()]);
    await seed.onApplicationBootstrap();

    const accounts = await orm.em.fork().find(Credential, {});
    expect(accounts.map((account) => [account.email, account.roles])).toEqual([[ADMIN_EMAIL, [Roles.USER, Roles.ADMIN]]]);
    const registered = await outboxEvents(AuthEvents.userRegistered);
    expect(registered.map((event) => event.data)).toEqual([{ userId: accounts[0]?.id, email: ADMIN_EMAIL, displayName: 'Administrator' }]);
  });

  it('promotes an existing account that lacks the admin role, announcing the role change only', async () => {
    const existing = new Credential(ADMIN_EMAIL, 'existing hash', 'Root', [Roles.USER]);
    await orm.em.fork().persist(existing).flush();

    expect(await seed.ensureAdmin(ADMIN_EMAIL, 'admin password of the seed test')).toBe('promoted');

    const stored = await orm.em.fork().findOneOrFail(Credential, existing.id);
    expect(stored.roles).toEqual([Roles.USER, Roles.ADMIN]);
    expect(stored.passwordHash).toBe('existing hash');
    expect(await outboxEvents(AuthEvents.userRegistered)).toEqual([]);
    expect((await outboxEvents(AuthEvents.rolesChanged)).map((event) => event.data)).toEqual([{ userId: existing.id, roles: [Roles.USER, Roles.ADMIN] }]);
  });
});
