import { IsIn, IsString, IsUUID, MaxLength, IsArray } from 'class-validator';
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
export const SESSION_REVOKE_REASONS = ['logout', 'refresh-token-reuse', 'admin', 'ended-by-user'] as const;
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
