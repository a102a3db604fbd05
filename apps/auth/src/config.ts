import { DatabaseServiceConfig, EnvNumber, loadConfig, RequiredInProduction } from '@plinth/service-bootstrap';
import { IsEmail, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

const DAY_SECONDS = 86_400;

export class AuthConfig extends DatabaseServiceConfig {
  override PORT = 3001;
  override DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plinth_auth';

  @EnvNumber() @IsInt() @Min(60) @Max(3_600)
  override ACCESS_TOKEN_TTL_SECONDS = 900;

  @EnvNumber() @IsInt() @Min(300) @Max(365 * DAY_SECONDS)
  REFRESH_TOKEN_TTL_SECONDS = 30 * DAY_SECONDS;

  /** Absolute lifetime of a session: past it, refresh answers AUTH.SESSION_EXPIRED and the user logs in again. */
  @EnvNumber() @IsInt() @Min(10) @Max(365 * DAY_SECONDS)
  SESSION_MAX_LIFETIME_SECONDS = 30 * DAY_SECONDS;

  /** A session not refreshed for this long expires (AUTH.SESSION_EXPIRED). */
  @EnvNumber() @IsInt() @Min(5) @Max(365 * DAY_SECONDS)
  SESSION_IDLE_TIMEOUT_SECONDS = 7 * DAY_SECONDS;

  /** How long a password-reset token from the email stays usable. */
  @EnvNumber() @IsInt() @Min(60) @Max(DAY_SECONDS)
  PASSWORD_RESET_TOKEN_TTL_SECONDS = 30 * 60;

  @EnvNumber() @IsInt() @Min(60) @Max(7 * DAY_SECONDS)
  EMAIL_VERIFICATION_TOKEN_TTL_SECONDS = DAY_SECONDS;

  /**
   * Base64 of 32 random bytes, the same in auth and notifications: one-time tokens travel to the email sealed with it
   * (never readable in the outbox, the broker or a log). Unset: they travel as they are (local development only).
   */
  @RequiredInProduction('without it password-reset and verification tokens cross the outbox and the broker readable')
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'ACCOUNT_EMAIL_SEALING_KEY must be base64 of exactly 32 bytes' })
  ACCOUNT_EMAIL_SEALING_KEY?: string;

  /** A successor key is created once the newest key is this old (checked at start and on every key-ring reload). */
  @EnvNumber() @IsInt() @Min(1)
  SIGNING_KEY_ROTATION_DAYS = 30;

  /**
   * How long a new key is published in the JWKS before it signs: longer than verifiers cache the
   * JWKS (the gateway's JWKS_CACHE_SECONDS, 300) plus one key-ring reload, so none meets an unknown kid.
   */
  @EnvNumber() @IsInt() @Min(0)
  SIGNING_KEY_PREPUBLISH_SECONDS = 600;

  /** How often each replica re-reads the shared keys (picks up a rotation made elsewhere); at most the 60 s the JWKS grace assumes. */
  @EnvNumber() @IsInt() @Min(1) @Max(60)
  SIGNING_KEY_RELOAD_SECONDS = 60;

  /** Base64 of 32 random bytes: private signing keys and TOTP secrets are stored AES-256-GCM encrypted (unset: in the clear). */
  @RequiredInProduction('without it the private signing keys and TOTP secrets are stored in the clear')
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'SIGNING_KEY_ENCRYPTION_KEY must be base64 of exactly 32 bytes' })
  SIGNING_KEY_ENCRYPTION_KEY?: string;

  /** With ADMIN_PASSWORD: this account is ensured at start with roles [user, admin]. */
  @IsOptional() @IsEmail()
  ADMIN_EMAIL?: string;

  @IsOptional() @IsString() @MinLength(12)
  ADMIN_PASSWORD?: string;
}

/** The validated configuration for one-shot commands that run outside the service bootstrap. */
export const loadAuthConfig = (): AuthConfig => loadConfig(AuthConfig, process.env, 'auth');
