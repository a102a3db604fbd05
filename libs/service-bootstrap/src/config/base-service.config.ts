import { ArrayMinSize, IsIn, IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { EnvNumber, EnvNumberList } from './env-transforms.js';

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
  RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

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
}

/** A service that owns a database. Apps set their default: `DATABASE_URL = '…/plinth_orders'`. */
export class DatabaseServiceConfig extends BaseServiceConfig {
  @Matches(/^postgres(ql)?:\/\/[^\s/]+\/[^\s/?]+(\?\S*)?$/, { message: '$property must be a postgres:// URL' })
  DATABASE_URL!: string;
}
