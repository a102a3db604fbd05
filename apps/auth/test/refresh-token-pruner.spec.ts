import { MikroORM } from '@mikro-orm/postgresql';
import { buildOrmOptions, runMigrations } from '@plinth/persistence';
import { createTestDatabase, type TestDatabase } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authEntities } from '../src/auth-entities.js';
import { authMigrations } from '../src/migrations/auth-migrations.js';
import { RefreshToken } from '../src/sessions/refresh-token.entity.js';
import { EXPIRED_TOKEN_RETENTION_MS, RefreshTokenPruner } from '../src/sessions/refresh-token-pruner.js';

const SESSION_ID = '01935a3e-0000-7000-8000-000000000001';

describe('RefreshTokenPruner (real Postgres)', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase('auth_prune');
    orm = await MikroORM.init(buildOrmOptions({ serviceName: 'auth-test', clientUrl: database.url, entities: authEntities, migrations: authMigrations }));
    await runMigrations(orm);
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('deletes only tokens that expired longer ago than the retention', async () => {
    const now = new Date('2026-11-24T12:00:00.000Z');
    const expiredAgo = (ms: number) => new Date(now.getTime() - ms);
    const tokens = {
      longGone: new RefreshToken(SESSION_ID, 'hash-long-gone', expiredAgo(40 * 86_400_000), expiredAgo(EXPIRED_TOKEN_RETENTION_MS + 1)),
      recentlyExpired: new RefreshToken(SESSION_ID, 'hash-recent', expiredAgo(31 * 86_400_000), expiredAgo(EXPIRED_TOKEN_RETENTION_MS - 1000)),
      valid: new RefreshToken(SESSION_ID, 'hash-valid', now, new Date(now.getTime() + 86_400_000)),
    };
    await orm.em.fork().persist(Object.values(tokens)).flush();

    expect(await new RefreshTokenPruner(orm.em).prune(now)).toBe(1);

    const left = await orm.em.fork().find(RefreshToken, {}, { orderBy: { tokenHash: 'asc' } });
    expect(left.map((token) => token.tokenHash)).toEqual(['hash-recent', 'hash-valid']);
  });
});
