import { IsArray, IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseServiceConfig, EnvNumber, EnvStringList } from '@plinth/service-bootstrap';

/** The gateway's environment: the public HTTP edge and the access-token verifier. */
export class GatewayConfig extends BaseServiceConfig {
  override PORT = 3000;

  /** Browser origins allowed to call the API (comma-separated); empty = no cross-origin access. */
  @EnvStringList() @IsArray() @Matches(/^https?:\/\/[^/\s]+$/, { each: true })
  CORS_ORIGINS: string[] = [];

  /**
   * Express `trust proxy`: which proxies may set X-Forwarded-For, so rate limits count real clients
   * rather than the ingress. Empty = none; a hop count (`1`) or comma-separated addresses/CIDRs.
   */
  @IsString() @Matches(/^$|^\d{1,2}$|^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:/]+)(,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:/]+))*$/)
  TRUST_PROXY = '';

  /** Largest accepted JSON body, in body-parser notation. */
  @IsString() @Matches(/^\d+(b|kb|mb)$/)
  BODY_LIMIT = '100kb';

  @IsString() @MinLength(1)
  JWT_ISSUER = 'plinth-auth';

  @IsString() @MinLength(1)
  JWT_AUDIENCE = 'plinth';

  /** How long fetched signing keys are trusted before they are fetched again. */
  @EnvNumber() @IsInt() @Min(10) @Max(86_400)
  JWKS_CACHE_SECONDS = 300;

  /** Least time between two JWKS fetches caused by tokens with an unknown `kid`. */
  @EnvNumber() @IsInt() @Min(1) @Max(3_600)
  JWKS_REFETCH_MIN_INTERVAL_SECONDS = 10;

  /** Lifetime of access tokens issued by auth: how long a revoked session id must be remembered. */
  @EnvNumber() @IsInt() @Min(60) @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** Tolerated clock difference with auth when checking `exp`/`iat`. */
  @EnvNumber() @IsInt() @Min(0) @Max(300)
  JWT_CLOCK_TOLERANCE_SECONDS = 5;

  /** Requests per minute per client address, all routes. */
  @EnvNumber() @IsInt() @Min(1)
  RATE_LIMIT_PER_MINUTE = 600;

  /** Requests per minute per client address on credential routes (register, login, refresh). */
  @EnvNumber() @IsInt() @Min(1)
  AUTH_RATE_LIMIT_PER_MINUTE = 60;

  /** Sent as `Retry-After` when a dependency is unavailable. */
  @EnvNumber() @IsInt() @Min(1) @Max(3_600)
  RETRY_AFTER_SECONDS = 5;
}
