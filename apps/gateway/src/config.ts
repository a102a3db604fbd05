import { IsArray, IsInt, IsString, Matches, Max, Min, ValidateBy } from 'class-validator';
import {
  BaseServiceConfig, EncryptedWhenTlsRequired, EnvNumber, EnvStringList, IsPemFile, isEncryptedUrl, OnlyWithEncrypted, PairedWith, RequiredInProduction, TlsFileWhenSet,
} from '@plinth/service-bootstrap';

/** The gateway's environment: the public HTTP edge (token verification settings are shared, in BaseServiceConfig). */
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

  /** `Cache-Control: public, max-age=…` of the public product reads: how stale a browser or CDN may serve them. */
  @EnvNumber() @IsInt() @Min(0) @Max(3_600)
  PRODUCTS_MAX_AGE_SECONDS = 10;

  /**
   * How long a product read stays in the Redis cache (REDIS_URL) when no catalog event evicts it first; 0 turns the
   * cache off (every read asks catalog). Events evict within milliseconds; this bounds a lost race or event.
   */
  @EnvNumber() @IsInt() @Min(0) @Max(86_400)
  PRODUCT_CACHE_TTL_SECONDS = 60;

  /** A cache command slower than this counts as a cache failure and the read goes to catalog instead. */
  @EnvNumber() @IsInt() @Min(10) @Max(5_000)
  CACHE_COMMAND_TIMEOUT_MS = 200;

  /** Prefix of the cache keys in Redis (several deployments may share one Redis). */
  @IsString() @Matches(/^[\w:.-]{1,64}$/)
  CACHE_KEY_PREFIX = 'plinth:cache:';

  /** Requests per minute per client address, all routes. */
  @EnvNumber() @IsInt() @Min(1)
  RATE_LIMIT_PER_MINUTE = 600;

  /** Requests per minute per client address on credential routes (register, login, refresh). */
  @EnvNumber() @IsInt() @Min(1)
  AUTH_RATE_LIMIT_PER_MINUTE = 60;

  /** Writes (POST/PUT/PATCH/DELETE) per minute per authenticated user and route, from any address. */
  @EnvNumber() @IsInt() @Min(1)
  WRITE_RATE_LIMIT_PER_MINUTE = 120;

  /** Login attempts per account (email, registered or not) per LOGIN_LOCKOUT_SECONDS, from any address. */
  @EnvNumber() @IsInt() @Min(1)
  LOGIN_ATTEMPTS_PER_ACCOUNT = 10;

  /** The per-account login window, and how long an account's logins are refused once it is exceeded. */
  @EnvNumber() @IsInt() @Min(1) @Max(86_400)
  LOGIN_LOCKOUT_SECONDS = 900;

  /** Consecutive failed logins of an account answered without delay (progressive login delay); a huge value turns it off (scans). */
  @EnvNumber() @IsInt() @Min(0) @Max(1_000_000_000)
  LOGIN_FREE_FAILURES = 3;

  /** Enforced wait after the first failure beyond the free ones; it doubles with every further failure. */
  @EnvNumber() @IsInt() @Min(1) @Max(3_600)
  LOGIN_DELAY_BASE_SECONDS = 1;

  /** The longest enforced wait between two login attempts of one account (at most LOGIN_LOCKOUT_SECONDS makes sense). */
  @EnvNumber() @IsInt() @Min(1) @Max(86_400)
  LOGIN_DELAY_MAX_SECONDS = 60;

  /** An account's failed logins are forgotten this long after the last one (and at once after a successful login). */
  @EnvNumber() @IsInt() @Min(1) @Max(86_400)
  LOGIN_FAILURE_MEMORY_SECONDS = 900;

  /**
   * redis://… or rediss://… (TLS): rate-limit counters and login delays shared by every replica. Unset = per-replica
   * memory, right for one replica only, so production (NODE_ENV=production: the image, every k8s overlay) requires it.
   */
  @RequiredInProduction('without it every gateway replica counts rate limits and login delays on its own')
  @ValidateBy({
    name: 'isRedisUrl',
    validator: { validate: (value) => value === undefined || (typeof value === 'string' && /^rediss?:\/\/\S+$/.test(value)), defaultMessage: () => 'REDIS_URL must be a redis:// or rediss:// URL' },
  })
  @EncryptedWhenTlsRequired(isEncryptedUrl.redis, 'a rediss:// URL')
  REDIS_URL?: string;

  /** CA bundle trusted for Redis' certificate (rediss://); unset = the public roots. */
  @TlsFileWhenSet() @IsPemFile() @OnlyWithEncrypted('REDIS_URL', isEncryptedUrl.redis, 'a rediss:// URL')
  REDIS_CA_FILE?: string;

  /** Client certificate for Redis (`tls-auth-clients yes`). */
  @TlsFileWhenSet() @IsPemFile() @PairedWith('REDIS_KEY_FILE') @OnlyWithEncrypted('REDIS_URL', isEncryptedUrl.redis, 'a rediss:// URL')
  REDIS_CERT_FILE?: string;

  @TlsFileWhenSet() @IsPemFile() @PairedWith('REDIS_CERT_FILE')
  REDIS_KEY_FILE?: string;

  /** Prefix of the rate-limit keys in Redis (several deployments may share one Redis). */
  @IsString() @Matches(/^[\w:.-]{1,64}$/)
  RATE_LIMIT_KEY_PREFIX = 'plinth:rate-limit:';

  /** Slow-loris bound: a client must finish sending its request headers within this time. */
  @EnvNumber() @IsInt() @Min(1_000) @Max(120_000)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /** A whole request (headers and body) must arrive within this time; 408 otherwise. */
  @EnvNumber() @IsInt() @Min(1_000) @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** Idle keep-alive connections are closed after this; behind a load balancer, keep it above the balancer's idle timeout. */
  @EnvNumber() @IsInt() @Min(1_000) @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;

  /** Requests in progress beyond which new ones get 503 + Retry-After at once instead of queueing. */
  @EnvNumber() @IsInt() @Min(1)
  MAX_IN_FLIGHT_REQUESTS = 1_000;

  /** Sent as `Retry-After` when a dependency is unavailable. */
  @EnvNumber() @IsInt() @Min(1) @Max(3_600)
  RETRY_AFTER_SECONDS = 5;

  /** Seconds between comment lines on an idle notification stream, so proxies keep it open. */
  @EnvNumber() @IsInt() @Min(1) @Max(300)
  SSE_HEARTBEAT_SECONDS = 15;

  /** Unsent bytes a notification stream may queue for a slow client before it is disconnected. */
  @EnvNumber() @IsInt() @Min(1_024)
  SSE_MAX_BUFFERED_BYTES = 262_144;

  /** Open notification streams per user on one replica (429 beyond). */
  @EnvNumber() @IsInt() @Min(1) @Max(100)
  SSE_MAX_STREAMS_PER_USER = 5;

  /** Deepest selection nesting a GraphQL operation may have (`{ myOrders { edges { node { user { id } } } } }` is 5). */
  @EnvNumber() @IsInt() @Min(2) @Max(50)
  GRAPHQL_MAX_DEPTH = 8;

  /** Aliased fields per GraphQL operation: aliases repeat a costly field under new names. */
  @EnvNumber() @IsInt() @Min(0) @Max(1_000)
  GRAPHQL_MAX_ALIASES = 15;

  /** Estimated cost per GraphQL operation: 1 per field, times `first` on a connection (the gateway README, GraphQL). */
  @EnvNumber() @IsInt() @Min(1) @Max(1_000_000)
  GRAPHQL_MAX_COST = 2_000;
}
