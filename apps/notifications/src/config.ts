import { ArrayMinSize, IsInt, IsString, IsUrl, Matches, Min, MinLength } from 'class-validator';
import { DatabaseServiceConfig, EnvNumber, EnvNumberList, RequiredInProduction } from '@plinth/service-bootstrap';

/** Notifications' environment: the shared service settings with this service's port and database as defaults. */
export class NotificationsConfig extends DatabaseServiceConfig {
  override PORT = 3004;
  override DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plinth_notifications';

  /** `smtp://` or `smtps://` URL (credentials in it); empty = notifications are not emailed. */
  @IsString() @Matches(/^$|^smtps?:\/\/\S+$/, { message: '$property must be empty or an smtp:// or smtps:// URL' })
  SMTP_URL = '';

  @IsString() @MinLength(3)
  EMAIL_FROM = 'Plinth <no-reply@plinth.local>';

  /** Sending attempts per email before it is dead-lettered (status `dead` in email_deliveries). */
  @EnvNumber() @IsInt() @Min(1)
  EMAIL_MAX_ATTEMPTS = 6;

  /** Wait before attempt n+1 (the last value repeats). */
  @EnvNumberList() @ArrayMinSize(1) @IsInt({ each: true }) @Min(0, { each: true })
  EMAIL_RETRY_DELAYS_MS: number[] = [5_000, 30_000, 120_000, 600_000, 1_800_000];

  /** How often due emails are looked for when nothing new was stored (new ones wake the sender at once). */
  @EnvNumber() @IsInt() @Min(10)
  EMAIL_POLL_INTERVAL_MS = 1_000;

  /**
   * A claimed email is not claimed again (by this or another replica) for this long, so a sender that
   * died mid-send is retried after it. Must exceed the SMTP timeouts (10 s connect/greeting, 30 s socket).
   */
  @EnvNumber() @IsInt() @Min(60_000)
  EMAIL_CLAIM_LEASE_MS = 120_000;

  /** Base of the links in account emails (the web app's pages that post the token to the API). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  ACCOUNT_LINK_BASE_URL = 'http://localhost:3000';

  /** The same value as auth's (base64 of 32 bytes): opens the one-time tokens auth seals into account-email events. */
  @RequiredInProduction('without it the sealed tokens in account-email events cannot be opened')
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'ACCOUNT_EMAIL_SEALING_KEY must be base64 of exactly 32 bytes' })
  ACCOUNT_EMAIL_SEALING_KEY?: string;
}
