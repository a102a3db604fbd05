import { MikroORM } from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';
import { buildOrmOptions, runMigrations } from '@plinth/persistence';
import { createTestDatabase, type TestDatabase } from '@plinth/testing';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authEntities } from '../src/auth-entities.js';
import { AuthConfig } from '../src/config.js';
import { authMigrations } from '../src/migrations/auth-migrations.js';
import { accessTokenClaims } from '../src/signing-keys/access-token-claims.js';
import { SigningKey } from '../src/signing-keys/signing-key.entity.js';
import { KEY_RING_RELOAD_MS, SigningKeyRing } from '../src/signing-keys/signing-key-ring.js';

const DAY_MS = 86_400_000;

describe('SigningKeyRing (real Postgres)', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  const config = Object.assign(new AuthConfig(), {
    SIGNING_KEY_ROTATION_DAYS: 30,
    SIGNING_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const ringOf = () => new SigningKeyRing(orm.em, config);
  const signedAt = (ring: SigningKeyRing, now: Date) =>
    ring.sign(accessTokenClaims({ userId: 'user-1', sessionId: 'session-1', roles: ['user'] }, { issuer: 'plinth-auth', audience: 'plinth', ttlSeconds: 900 }, now));
  const verifyAt = async (ring: SigningKeyRing, token: string, now: Date) =>
    jwtVerify(token, createLocalJWKSet(await ring.jwks(now)), { currentDate: now });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createTestDatabase('auth_keys');
    orm = await MikroORM.init(buildOrmOptions({ serviceName: 'auth-test', clientUrl: database.url, entities: authEntities, migrations: authMigrations }));
    await runMigrations(orm);
  });

  beforeEach(async () => {
    await orm.em.fork().nativeDelete(SigningKey, {});
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('creates one shared key when several replicas start at once', async () => {
    const rings = [ringOf(), ringOf(), ringOf()];
    await Promise.all(rings.map((ring) => ring.reload()));
    expect(await orm.em.fork().count(SigningKey, {})).toBe(1);
    const now = new Date();
    const token = await signedAt(rings[0] as SigningKeyRing, now);
    for (const ring of rings) await expect(verifyAt(ring, token, now)).resolves.toBeDefined();
  });

  it('stores the private key encrypted when an encryption key is configured', async () => {
    await ringOf().reload();
    const [stored] = await orm.em.fork().find(SigningKey, {});
    expect(stored?.privateKey).toMatch(/^aes256gcm\./);
    expect(stored?.privateKey).not.toContain('"d"');
  });

  it('rotates an old key, keeps publishing it for the grace period, then drops it', async () => {
    const ring = ringOf();
    const start = new Date();
    await ring.reload(start);
    const oldToken = await signedAt(ring, start);

    const rotation = new Date(start.getTime() + 31 * DAY_MS);
    await ring.reload(rotation);
    const newToken = await signedAt(ring, rotation);

    expect((await ring.jwks(rotation)).keys).toHaveLength(2);
    await expect(verifyAt(ring, newToken, rotation)).resolves.toBeDefined();
    await expect(verifyAt(ring, oldToken, start)).resolves.toBeDefined();
    const afterGrace = new Date(rotation.getTime() + 900_000 + 2 * KEY_RING_RELOAD_MS + 1);
    expect((await ring.jwks(afterGrace)).keys).toHaveLength(1);
  });

  it('lets a replica adopt the key another replica rotated in at its next reload', async () => {
    const [rotating, lagging] = [ringOf(), ringOf()];
    const start = new Date();
    await Promise.all([rotating.reload(start), lagging.reload(start)]);
    const rotation = new Date(start.getTime() + 31 * DAY_MS);
    await rotating.reload(rotation);
    await lagging.reload(rotation);
    const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid as string;
    expect(kidOf(await signedAt(lagging, rotation))).toBe(kidOf(await signedAt(rotating, rotation)));
    expect(await orm.em.fork().count(SigningKey, {})).toBe(2);
  });
});
