import { MikroORM } from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';
import { buildOrmOptions, runMigrations } from '@plinth/persistence';
import { createTestDatabase, type TestDatabase } from '@plinth/testing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authEntities } from '../src/auth-entities.js';
import { AuthConfig } from '../src/config.js';
import { authMigrations } from '../src/migrations/auth-migrations.js';
import { accessTokenClaims } from '../src/signing-keys/access-token-claims.js';
import { SigningKey } from '../src/signing-keys/signing-key.entity.js';
import { KEY_RING_RELOAD_MS, SigningKeyRing } from '../src/signing-keys/signing-key-ring.js';

const DAY_MS = 86_400_000;
const PREPUBLISH_MS = 600_000;
const kidOf = (token: string) => decodeProtectedHeader(token).kid;

describe('SigningKeyRing (real Postgres)', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  const config = Object.assign(new AuthConfig(), {
    SIGNING_KEY_ROTATION_DAYS: 30,
    SIGNING_KEY_PREPUBLISH_SECONDS: PREPUBLISH_MS / 1000,
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

  it('pre-publishes a successor before it signs, then keeps the old key published for the grace period', async () => {
    const ring = ringOf();
    const start = new Date();
    await ring.reload(start);
    const oldToken = await signedAt(ring, start);

    const rotation = new Date(start.getTime() + 31 * DAY_MS);
    await ring.reload(rotation);
    expect((await ring.jwks(rotation)).keys).toHaveLength(2);
    expect(kidOf(await signedAt(ring, rotation))).toBe(kidOf(oldToken));

    const handover = new Date(rotation.getTime() + PREPUBLISH_MS);
    await ring.reload(handover);
    const newToken = await signedAt(ring, handover);
    expect(kidOf(newToken)).not.toBe(kidOf(oldToken));
    await expect(verifyAt(ring, newToken, handover)).resolves.toBeDefined();
    await expect(verifyAt(ring, oldToken, start)).resolves.toBeDefined();

    const afterGrace = new Date(handover.getTime() + 900_000 + 2 * KEY_RING_RELOAD_MS + 1);
    expect((await ring.jwks(afterGrace)).keys.map((key) => key.kid)).toEqual([kidOf(newToken)]);
  });

  it('makes every replica switch to the same successor, created once', async () => {
    const rings = [ringOf(), ringOf()];
    const start = new Date();
    await Promise.all(rings.map((ring) => ring.reload(start)));
    const rotation = new Date(start.getTime() + 31 * DAY_MS);
    await Promise.all(rings.map((ring) => ring.reload(rotation)));
    const handover = new Date(rotation.getTime() + PREPUBLISH_MS);
    await Promise.all(rings.map((ring) => ring.reload(handover)));

    const kids = await Promise.all(rings.map(async (ring) => kidOf(await signedAt(ring, handover))));
    expect(new Set(kids).size).toBe(1);
    expect(await orm.em.fork().count(SigningKey, {})).toBe(2);
  });
});
