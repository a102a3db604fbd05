import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { PublicJwk } from '@plinth/contracts';

/**
 * An ES256 key pair shared by every auth replica through the database. The newest unretired key
 * signs; retired keys stay published in the JWKS while tokens they signed can still be valid.
 */
@Entity({ tableName: 'signing_keys' })
export class SigningKey {
  @PrimaryKey({ type: 'text' })
  kid: string;

  @Property({ type: 'text' })
  alg: string;

  @Property({ type: 'json', columnType: 'jsonb' })
  publicJwk: PublicJwk;

  /** The private JWK as JSON, sealed with AES-256-GCM when SIGNING_KEY_ENCRYPTION_KEY is set. */
  @Property({ type: 'text' })
  privateKey: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  retiredAt: Date | null = null;

  constructor(kid: string, alg: string, publicJwk: PublicJwk, privateKey: string, createdAt: Date) {
    this.kid = kid;
    this.alg = alg;
    this.publicJwk = publicJwk;
    this.privateKey = privateKey;
    this.createdAt = createdAt;
  }
}
