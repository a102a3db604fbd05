import { Injectable, Logger } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AuthRpc, type JwksResult, type PublicJwk } from '@plinth/contracts';
import { RpcClient } from '@plinth/messaging';
import { GatewayConfig } from '../config.js';

export const ACCESS_TOKEN_ALGORITHM = 'ES256';

const isUsableSigningKey = (jwk: PublicJwk): boolean =>
  jwk.alg === ACCESS_TOKEN_ALGORITHM && jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.use === 'sig' && typeof jwk.kid === 'string';

/**
 * auth's public signing keys, fetched over RPC and cached, so verifying a token costs no RPC.
 * A token signed with a key we have not seen (rotation) triggers a refetch, at most once per
 * JWKS_REFETCH_MIN_INTERVAL_SECONDS so that forged `kid`s cannot turn into an RPC flood.
 * When auth is unreachable, keys past their cache time keep working.
 */
@Injectable()
export class JwksKeyStore {
  private readonly logger = new Logger(JwksKeyStore.name);
  private keys = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly rpc: RpcClient,
    private readonly config: GatewayConfig,
  ) {}

  /** The verification key for `kid`, or undefined when auth does not publish it. */
  async keyFor(kid: string): Promise<KeyObject | undefined> {
    const known = this.keys.get(kid);
    if (known && !this.isExpired()) return known;
    if (this.mayFetch()) await this.refreshOrKeepStale();
    return this.keys.get(kid);
  }

  private isExpired(): boolean {
    return Date.now() - this.fetchedAt >= this.config.JWKS_CACHE_SECONDS * 1000;
  }

  private mayFetch(): boolean {
    return this.inFlight !== undefined || Date.now() - this.lastAttemptAt >= this.config.JWKS_REFETCH_MIN_INTERVAL_SECONDS * 1000;
  }

  private async refreshOrKeepStale(): Promise<void> {
    this.inFlight ??= this.fetch().finally(() => (this.inFlight = undefined));
    try {
      await this.inFlight;
    } catch (error) {
      // Without any key no token can be verified: that is an outage (503/504), not the caller's fault.
      if (this.keys.size === 0) throw error;
      this.logger.warn({ err: error }, 'JWKS refresh failed; keeping the keys fetched earlier');
    }
  }

  private async fetch(): Promise<void> {
    this.lastAttemptAt = Date.now();
    const { keys } = await this.rpc.send<JwksResult>(AuthRpc.jwks, {});
    const imported = keys.filter(isUsableSigningKey).flatMap((jwk) => this.imported(jwk));
    this.keys = new Map(imported);
    this.fetchedAt = Date.now();
  }

  // One unreadable key must not take the others down with it.
  private imported(jwk: PublicJwk): [string, KeyObject][] {
    try {
      return [[jwk.kid, createPublicKey({ key: { ...jwk }, format: 'jwk' })]];
    } catch (error) {
      this.logger.error({ err: error, kid: jwk.kid }, 'ignoring a published signing key that cannot be imported');
      return [];
    }
  }
}
