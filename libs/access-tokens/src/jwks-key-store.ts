import { Logger } from '@nestjs/common';
import { importJWK, type CryptoKey } from 'jose';
import type { JwksResult, PublicJwk } from '@plinth/contracts';

export const ACCESS_TOKEN_ALGORITHM = 'ES256';

/** Where the published signing keys come from: auth's `auth.jwks` RPC, or auth's own key ring inside auth. */
export type JwksSource = () => Promise<JwksResult>;

export interface JwksCacheOptions {
  /** How long fetched keys are trusted before they are fetched again. */
  cacheSeconds: number;
  /** Least time between two fetches caused by tokens with an unknown `kid`. */
  refetchMinIntervalSeconds: number;
}

const isUsableSigningKey = (jwk: PublicJwk): boolean =>
  jwk.alg === ACCESS_TOKEN_ALGORITHM && jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.use === 'sig' && typeof jwk.kid === 'string';

/**
 * auth's public signing keys, fetched and cached, so verifying a token costs no round trip.
 * A token signed with a key we have not seen (rotation) triggers a refetch, at most once per
 * `refetchMinIntervalSeconds` so that forged `kid`s cannot turn into a flood of fetches.
 * When the source is unreachable, keys past their cache time keep working.
 */
export class JwksKeyStore {
  private readonly logger = new Logger(JwksKeyStore.name);
  private keys = new Map<string, CryptoKey>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly source: JwksSource,
    private readonly options: JwksCacheOptions,
  ) {}

  /** The verification key for `kid`, or undefined when it is not published. */
  async keyFor(kid: string): Promise<CryptoKey | undefined> {
    const known = this.keys.get(kid);
    if (known && !this.isExpired()) return known;
    if (this.mayFetch()) await this.refreshOrKeepStale();
    return this.keys.get(kid);
  }

  private isExpired(): boolean {
    return Date.now() - this.fetchedAt >= this.options.cacheSeconds * 1000;
  }

  // Without any key every token would be refused as signed by an unknown key: keep trying (one fetch
  // at a time) so that an outage is answered as one (503/504) until auth is back.
  private mayFetch(): boolean {
    return this.inFlight !== undefined || this.keys.size === 0 || Date.now() - this.lastAttemptAt >= this.options.refetchMinIntervalSeconds * 1000;
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
    const { keys } = await this.source();
    const imported = await Promise.all(keys.filter(isUsableSigningKey).map((jwk) => this.imported(jwk)));
    this.keys = new Map(imported.flat());
    this.fetchedAt = Date.now();
  }

  // One unreadable key must not take the others down with it.
  private async imported(jwk: PublicJwk): Promise<[string, CryptoKey][]> {
    try {
      return [[jwk.kid, (await importJWK({ ...jwk }, ACCESS_TOKEN_ALGORITHM)) as CryptoKey]];
    } catch (error) {
      this.logger.error({ err: error, kid: jwk.kid }, 'ignoring a published signing key that cannot be imported');
      return [];
    }
  }
}
