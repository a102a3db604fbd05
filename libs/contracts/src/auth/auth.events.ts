import { IsIn, IsISO8601, IsString, IsUUID, MaxLength, IsArray, ValidateIf } from 'class-validator';
import { ALL_ROLES, type Role } from '../common/actor.js';
import { EventData, EventEnvelopeDto } from '../common/event-envelope.js';
import { IsEmailAddress } from '../common/email-address.js';
import { IsWellFormedText } from '../common/well-formed-text.js';

export class UserRegisteredData {
  @IsUUID() userId: string;
  @IsEmailAddress() @IsWellFormedText() email: string;
  @IsString() @IsWellFormedText() @MaxLength(100) displayName: string;
}
export class UserRegisteredEvent extends EventEnvelopeDto<UserRegisteredData> {
  static readonly VERSION = 1;
  @EventData(() => UserRegisteredData) data: UserRegisteredData;
}

/** Why a session ended: `ended-by-user` is one session ended from the caller's session list. */
export const SESSION_REVOKE_REASONS = ['logout', 'refresh-token-reuse', 'admin', 'ended-by-user', 'password-changed', 'password-reset', 'account-disabled'] as const;
export type SessionRevokeReason = (typeof SESSION_REVOKE_REASONS)[number];

export class SessionRevokedData {
  @IsUUID() sessionId: string;
  @IsUUID() userId: string;
  @IsIn(SESSION_REVOKE_REASONS) reason: SessionRevokeReason;
}
export class SessionRevokedEvent extends EventEnvelopeDto<SessionRevokedData> {
  static readonly VERSION = 1;
  @EventData(() => SessionRevokedData) data: SessionRevokedData;
}

export class RolesChangedData {
  @IsUUID() userId: string;
  @IsArray() @IsIn(ALL_ROLES, { each: true }) roles: Role[];
}
export class RolesChangedEvent extends EventEnvelopeDto<RolesChangedData> {
  static readonly VERSION = 1;
  @EventData(() => RolesChangedData) data: RolesChangedData;
}

export const ACCOUNT_EMAIL_KINDS = ['email-verification', 'password-reset', 'password-changed'] as const;
export type AccountEmailKind = (typeof ACCOUNT_EMAIL_KINDS)[number];

/**
 * `token` is the one-time token for the link (null for "your password was changed"), sealed for notifications
 * (SealedField of @plinth/messaging, ACCOUNT_EMAIL_SEALING_KEY) so the outbox, the broker and any log of the event
 * hold ciphertext only.
 */
export class AccountEmailRequestedData {
  @IsUUID() userId: string;
  @IsEmailAddress() @IsWellFormedText() email: string;
  @IsIn(ACCOUNT_EMAIL_KINDS) kind: AccountEmailKind;
  @ValidateIf((_object, value) => value !== null) @IsString() @MaxLength(1024) token: string | null;
  @ValidateIf((_object, value) => value !== null) @IsISO8601() expiresAt: string | null;
}
export class AccountEmailRequestedEvent extends EventEnvelopeDto<AccountEmailRequestedData> {
  static readonly VERSION = 1;
  @EventData(() => AccountEmailRequestedData) data: AccountEmailRequestedData;
}

export class EmailVerifiedData {
  @IsUUID() userId: string;
  @IsEmailAddress() @IsWellFormedText() email: string;
}
export class EmailVerifiedEvent extends EventEnvelopeDto<EmailVerifiedData> {
  static readonly VERSION = 1;
  @EventData(() => EmailVerifiedData) data: EmailVerifiedData;
}
