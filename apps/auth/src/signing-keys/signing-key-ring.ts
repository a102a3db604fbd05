import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AccessTokenClaims, JwksResult, PublicJwk } from '@plinth/contracts';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AuthConfig } from '../config.js';
import { PrivateKeyCipher } from './private-key-cipher.js';
import { SigningKey } from './signing-key.entity.js';
import { isPublished, isRotationDue, liveKeys, signingKeyAt } from './signing-key-lifecycle.js';

const ALG = 'ES256';
const DAY_MS = 86_400_000;
// Serializes key creation between replicas starting (or rotating) at the same moment.
const KEY_CREATION_LOCK = 7_340_101;
/** The longest time between two reloads of a replica's keys (SIGNING_KEY_RELOAD_SECONDS ≤ 60); the JWKS grace allows for two. */
export const KEY_RING_RELOAD_MS = 60_000;

interface Signer {
  kid: string;
  privateKey: CryptoKey;
}

/**
 * The ES256 keys every auth replica signs with, kept in the database so all replicas agree.
 * Signing uses the in-memory key chosen at the last reload; the JWKS is read fresh so it always
 * includes keys that another replica has just created.
 */
@Injectable()
export class SigningKeyRing implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeyRing.name);
  private readonly cipher: PrivateKeyCipher;
  private signer?: Signer;
  private reloadTimer?: NodeJS.Timeout;

  constructor(
    private readonly em: EntityManager,
    private readonly config: AuthConfig,
  ) {
    const encryptionKey = config.SIGNING_KEY_ENCRYPTION_KEY;
    this.cipher = new PrivateKeyCipher(encryptionKey ? Buffer.from(encryptionKey, 'base64') : undefined);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reload();
    this.reloadTimer = setInterval(() => {
      this.reload().catch((error: unknown) => this.logger.error({ err: error }, 'reloading signing keys failed'));
    }, this.config.SIGNING_KEY_RELOAD_SECONDS * 1000);
    this.reloadTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  /** Adopts the key that should sign now, first creating a successor when a rotation is due. */
  async reload(now = new Date()): Promise<void> {
    let keys = liveKeys(await this.em.fork().find(SigningKey, {}), now);
    if (isRotationDue(keys, now, this.maxAgeMs)) keys = await this.rotate(now);
    const signing = signingKeyAt(keys, now, this.prepublishMs);
    if (!signing) throw new Error('no signing key is live after rotation');
    if (this.signer?.kid === signing.kid) return;
    const privateJwk = JSON.parse(this.cipher.open(signing.privateKey)) as JWK;
    this.signer = { kid: signing.kid, privateKey: (await importJWK(privateJwk, ALG)) as CryptoKey };
    this.logger.log({ kid: signing.kid }, 'signing with key');
  }

  async sign(claims: AccessTokenClaims): Promise<string> {
    if (!this.signer) throw new Error('signing key ring not loaded yet');
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: ALG, kid: this.signer.kid, typ: 'JWT' })
      .sign(this.signer.privateKey);
  }

  /** Pre-published, signing and recently retired public keys: a retired key stays until every token it signed has expired. */
  async jwks(now = new Date()): Promise<JwksResult> {
    const graceMs = (this.config.ACCESS_TOKEN_TTL_SECONDS * 1000) + 2 * KEY_RING_RELOAD_MS;
    const keys = await this.em.fork().find(SigningKey, {}, { orderBy: { createdAt: 'desc' } });
    return { keys: keys.filter((key) => isPublished(key, now, graceMs)).map((key) => key.publicJwk) };
  }

  /**
   * The `rotate-signing-key` command: a successor now, whatever the keys' age, with the same
   * handover as a scheduled rotation (published at once, signing after the pre-publish period; the
   * old key keeps verifying until its tokens have expired). Returns the successor's kid.
   */
  async forceRotation(now = new Date()): Promise<string> {
    const keys = await this.rotate(now, true);
    return keys.reduce((newest, key) => (key.createdAt > newest.createdAt ? key : newest)).kid;
  }

  /**
   * Creates the successor key; the keys it replaces keep signing until it has been pre-published.
   * Returns the live keys afterwards.
   */
  private rotate(now: Date, force = false): Promise<SigningKey[]> {
    return this.em.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(?)', [KEY_CREATION_LOCK]);
      const live = liveKeys(await tx.find(SigningKey, {}), now);
      // Another replica may have rotated while this one waited for the lock.
      if (!force && !isRotationDue(live, now, this.maxAgeMs)) return live;
      const handover = new Date(now.getTime() + (live.length > 0 ? this.prepublishMs : 0));
      for (const key of live) if (key.retiredAt === null) key.retiredAt = handover;
      const created = await this.generateKey(now);
      tx.persist(created);
      return [...live, created];
    });
  }

  private get maxAgeMs(): number {
    return this.config.SIGNING_KEY_ROTATION_DAYS * DAY_MS;
  }

  private get prepublishMs(): number {
    return this.config.SIGNING_KEY_PREPUBLISH_SECONDS * 1000;
  }

  private async generateKey(now: Date): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
    const { kty = 'EC', crv, x, y } = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint({ kty, crv, x, y });
    const publicJwk: PublicJwk = { kid, kty, crv, x, y, alg: ALG, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG };
    return new SigningKey(kid, ALG, publicJwk, this.cipher.seal(JSON.stringify(privateJwk)), now);
  }
}
