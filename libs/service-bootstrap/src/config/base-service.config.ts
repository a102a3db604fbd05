import { ArrayMinSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { TOPOLOGY_SCOPES, type TopologyScope } from '@plinth/messaging';
import { EnvBoolean, EnvNumber, EnvNumberList } from './env-transforms.js';
import {
  EncryptedWhenTlsRequired, IsPemFile, isEncryptedUrl, OnlyWithEncrypted, PairedWith, PostgresSslMode, SetWhenTlsRequired, TlsFileWhenRequired, TlsFileWhenSet,
} from './tls-config.rules.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * What every service reads from its environment. Apps extend it, override defaults
 * (`PORT = 3003`) and add their own variables with class-validator decorators and the Env* transforms.
 * Property initializers are the defaults used when a variable is unset or empty.
 */
export class BaseServiceConfig {
  @IsIn(['development', 'production', 'test'], { message: '$property must be one of development, production, test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @EnvNumber() @IsInt({ message: '$property must be an integer port' }) @Min(1) @Max(65535)
  PORT = 3000;

  @Matches(/^amqps?:\/\/[^\s]+$/, { message: '$property must be an amqp:// or amqps:// URL' })
  @EncryptedWhenTlsRequired(isEncryptedUrl.amqp, 'an amqps:// URL')
  RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

  /**
   * `all`: declare the whole topology at start (local development with an all-powerful user). `own`: declare only this
   * service's queues and check the exchange, for a broker user limited to its part (k8s: the topology Job provisions
   * the rest from definitions.json).
   */
  @IsIn(TOPOLOGY_SCOPES, { message: `$property must be one of ${TOPOLOGY_SCOPES.join(', ')}` })
  RABBITMQ_DECLARE_TOPOLOGY: TopologyScope = 'all';

  @IsIn(LOG_LEVELS, { message: `$property must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @IsIn(['json', 'pretty'], { message: '$property must be json or pretty' })
  LOG_FORMAT: 'json' | 'pretty' = 'json';

  @EnvNumber() @IsInt({ message: '$property must be an integer (milliseconds)' }) @Min(1)
  RPC_TIMEOUT_MS = 5000;

  @EnvNumber() @IsInt({ message: '$property must be an integer' }) @Min(1) @Max(65535)
  PREFETCH = 32;

  @EnvNumber() @IsInt({ message: '$property must be an integer' }) @Min(1)
  EVENT_MAX_ATTEMPTS = 5;

  @EnvNumberList()
  @ArrayMinSize(1, { message: '$property must list at least one delay' })
  @IsInt({ each: true, message: '$property must be a comma-separated list of integers (milliseconds)' })
  @Min(0, { each: true, message: '$property delays must not be negative' })
  EVENT_RETRY_DELAYS_MS: number[] = [1000, 5000, 15000, 30000];

  @EnvNumber() @IsInt({ message: '$property must be an integer (milliseconds)' }) @Min(0)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  // Access tokens: auth issues them with these; the gateway and every service verify them (RPC
  // requests made for a user carry the caller's token, see @plinth/access-tokens).
  @IsString() @MinLength(1)
  JWT_ISSUER = 'plinth-auth';

  @IsString() @MinLength(1)
  JWT_AUDIENCE = 'plinth';

  /** Tolerated clock difference with auth when checking `exp`/`iat`. */
  @EnvNumber() @IsInt() @Min(0) @Max(300)
  JWT_CLOCK_TOLERANCE_SECONDS = 5;

  /** How long fetched signing keys (auth's JWKS) are trusted before they are fetched again. */
  @EnvNumber() @IsInt() @Min(10) @Max(86_400)
  JWKS_CACHE_SECONDS = 300;

  /** Least time between two JWKS fetches caused by tokens with an unknown `kid`. */
  @EnvNumber() @IsInt() @Min(1) @Max(3_600)
  JWKS_REFETCH_MIN_INTERVAL_SECONDS = 10;

  /** Verified access tokens remembered per process, so a client's next request skips the ES256 check (0 = off). */
  @EnvNumber() @IsInt() @Min(0) @Max(1_000_000)
  VERIFIED_TOKEN_CACHE_SIZE = 10_000;

  // Transport security (see @plinth/tls). Verification is never optional: a TLS connection always checks the
  // peer's chain and host name; these variables only say which CA to trust and which certificate to present.

  /**
   * Lifetime of access tokens issued by auth (auth issues with it; must be the same everywhere): how long every
   * service remembers a revoked session or a roles change, and how far back it catches up at (re)connection.
   */
  @EnvNumber() @IsInt() @Min(60) @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** Refuse every plaintext connection: amqp://, a DATABASE_URL without sslmode=verify-full, redis://, http:// OTLP, an HTTP listener. */
  @EnvBoolean() @IsBoolean({ message: '$property must be true or false' })
  TLS_REQUIRED = false;

  /** CA bundle trusted for the broker's certificate (amqps://); unset = the public roots. */
  @TlsFileWhenSet() @IsPemFile() @OnlyWithEncrypted('RABBITMQ_URL', isEncryptedUrl.amqp, 'an amqps:// URL')
  RABBITMQ_CA_FILE?: string;

  /** Client certificate for the broker (RabbitMQ `ssl_options.verify = verify_peer` + `fail_if_no_peer_cert`). */
  @TlsFileWhenSet() @IsPemFile() @PairedWith('RABBITMQ_KEY_FILE') @OnlyWithEncrypted('RABBITMQ_URL', isEncryptedUrl.amqp, 'an amqps:// URL')
  RABBITMQ_CERT_FILE?: string;

  @TlsFileWhenSet() @IsPemFile() @PairedWith('RABBITMQ_CERT_FILE')
  RABBITMQ_KEY_FILE?: string;

  /** Serve HTTP(S) with this certificate (chain) and key; reloaded when the files change. Required under TLS_REQUIRED. */
  @TlsFileWhenRequired() @IsPemFile() @SetWhenTlsRequired() @PairedWith('TLS_KEY_FILE')
  TLS_CERT_FILE?: string;

  @TlsFileWhenRequired() @IsPemFile() @SetWhenTlsRequired() @PairedWith('TLS_CERT_FILE')
  TLS_KEY_FILE?: string;

  // The OTLP exporter reads the OTEL_* variables itself (OpenTelemetry's standard names); they are declared here
  // so that a wrong one stops the start-up instead of silently dropping every span.

  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: '$property must be an http:// or https:// URL' })
  @EncryptedWhenTlsRequired(isEncryptedUrl.otlp, 'an https:// URL')
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: '$property must be an http:// or https:// URL' })
  @EncryptedWhenTlsRequired(isEncryptedUrl.otlp, 'an https:// URL')
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  /** CA bundle trusted for the collector's certificate (https:// endpoints). */
  @TlsFileWhenSet() @IsPemFile()
  OTEL_EXPORTER_OTLP_CERTIFICATE?: string;

  @TlsFileWhenSet() @IsPemFile() @PairedWith('OTEL_EXPORTER_OTLP_CLIENT_KEY')
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE?: string;

  @TlsFileWhenSet() @IsPemFile() @PairedWith('OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE')
  OTEL_EXPORTER_OTLP_CLIENT_KEY?: string;
}

/** A service that owns a database. Apps set their default: `DATABASE_URL = '…/plinth_orders'`. */
export class DatabaseServiceConfig extends BaseServiceConfig {
  @Matches(/^postgres(ql)?:\/\/[^\s/]+\/[^\s/?]+(\?\S*)?$/, { message: '$property must be a postgres:// URL' })
  @PostgresSslMode()
  @EncryptedWhenTlsRequired(isEncryptedUrl.postgres, 'a postgres:// URL with sslmode=verify-full')
  DATABASE_URL!: string;

  /**
   * The database owner's URL, used only by the `migrate` command (DDL); unset = DATABASE_URL. When its user is not
   * DATABASE_URL's, `migrate` also grants that runtime role DML on every table and sequence, present and future
   * (@plinth/persistence grantRuntimeRole), so the service itself can run without any DDL right.
   */
  @ValidateIf((_config, value) => value !== undefined)
  @Matches(/^postgres(ql)?:\/\/[^\s/]+\/[^\s/?]+(\?\S*)?$/, { message: '$property must be a postgres:// URL' })
  @PostgresSslMode()
  @EncryptedWhenTlsRequired(isEncryptedUrl.postgres, 'a postgres:// URL with sslmode=verify-full')
  MIGRATION_DATABASE_URL?: string;

  /** CA bundle trusted for the database server's certificate (with `sslmode=verify-full`); unset = the public roots. */
  @TlsFileWhenSet() @IsPemFile() @OnlyWithEncrypted('DATABASE_URL', isEncryptedUrl.postgres, 'a URL with sslmode=verify-full')
  DATABASE_CA_FILE?: string;

  /** Client certificate for the database (certificate authentication, `hostssl … cert`). */
  @TlsFileWhenSet() @IsPemFile() @PairedWith('DATABASE_KEY_FILE') @OnlyWithEncrypted('DATABASE_URL', isEncryptedUrl.postgres, 'a URL with sslmode=verify-full')
  DATABASE_CERT_FILE?: string;

  @TlsFileWhenSet() @IsPemFile() @PairedWith('DATABASE_CERT_FILE')
  DATABASE_KEY_FILE?: string;

  /**
   * How long a handled event's inbox record is kept. It must outlast every way a duplicate can still arrive (broker
   * redelivery and retries: about a minute; an outbox row republished after an outage; a DLQ re-drive), so a week.
   */
  @EnvNumber() @IsInt() @Min(1) @Max(8_760)
  INBOX_RETENTION_HOURS = 168;

  /** How long a published outbox row is kept (for inspection) before it is deleted; unsent rows are never pruned. */
  @EnvNumber() @IsInt() @Min(1) @Max(8_760)
  OUTBOX_RETENTION_HOURS = 24;

  /** Time between two runs of the retention pruner (inbox, sent outbox, the service's own expiring rows). */
  @EnvNumber() @IsInt() @Min(1) @Max(86_400)
  PRUNE_INTERVAL_SECONDS = 600;

  /** Rows deleted per statement by the pruner: small batches keep every lock short. */
  @EnvNumber() @IsInt() @Min(1) @Max(100_000)
  PRUNE_BATCH_SIZE = 1_000;
}
