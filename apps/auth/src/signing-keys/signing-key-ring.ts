import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AccessTokenClaims, JwksResult, PublicJwk } from '@plinth/contracts';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AuthConfig } from '../config.js';
import { PrivateKeyCipher } from './private-key-cipher.js';
import { SigningKey } from './signing-key.entity.js';
import { currentSigningKey, isDueForRotation, isPublished } from './signing-key-lifecycle.js';

const ALG = 'ES256';
const DAY_MS = 86_400_000;
// Serializes key creation between replicas starting (or rotating) at the same moment.
const KEY_CREATION_LOCK = 7_340_101;
/** How often a replica re-reads the shared keys, picking up a key another replica rotated in. */
export const KEY_RING_RELOAD_MS = 60_000;

interface Signer {
  kid: string;
  privateKey: CryptoKey;
}

/**
 * The ES256 keys every auth replica signs with, kept in the database so all replicas agree.
 * Signing uses the in-memory current key; the JWKS is read fresh so it always includes keys that
 * another replica has just created.
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
    }, KEY_RING_RELOAD_MS);
    this.reloadTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  /** Adopts the current key, creating (or rotating in) one first when there is none or it is too old. */
  async reload(now = new Date()): Promise<void> {
    const maxAgeMs = this.config.SIGNING_KEY_ROTATION_DAYS * DAY_MS;
    let current = currentSigningKey(await this.em.fork().find(SigningKey, { retiredAt: null }));
    if (!current || isDueForRotation(current, now, maxAgeMs)) current = await this.rotate(now, maxAgeMs);
    if (this.signer?.kid === current.kid) return;
    const privateJwk = JSON.parse(this.cipher.open(current.privateKey)) as JWK;
    this.signer = { kid: current.kid, privateKey: (await importJWK(privateJwk, ALG)) as CryptoKey };
    this.logger.log({ kid: current.kid }, 'signing with key');
  }

  async sign(claims: AccessTokenClaims): Promise<string> {
    if (!this.signer) throw new Error('signing key ring not loaded yet');
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: ALG, kid: this.signer.kid, typ: 'JWT' })
      .sign(this.signer.privateKey);
  }

  /** Current and recently retired public keys: a retired key stays until every token it signed has expired. */
  async jwks(now = new Date()): Promise<JwksResult> {
    const graceMs = (this.config.ACCESS_TOKEN_TTL_SECONDS * 1000) + 2 * KEY_RING_RELOAD_MS;
    const keys = await this.em.fork().find(SigningKey, {}, { orderBy: { createdAt: 'desc' } });
    return { keys: keys.filter((key) => isPublished(key, now, graceMs)).map((key) => key.publicJwk) };
  }

  private rotate(now: Date, maxAgeMs: number): Promise<SigningKey> {
    return this.em.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(?)', [KEY_CREATION_LOCK]);
      const previous = currentSigningKey(await tx.find(SigningKey, { retiredAt: null }));
      // Another replica may have rotated while this one waited for the lock.
      if (previous && !isDueForRotation(previous, now, maxAgeMs)) return previous;
      if (previous) previous.retiredAt = now;
      const created = await this.generateKey(now);
      tx.persist(created);
      return created;
    });
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
