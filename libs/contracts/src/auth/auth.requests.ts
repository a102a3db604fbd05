import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, Matches, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested, IsDefined } from 'class-validator';
import { Actor, ALL_ROLES, type Role } from '../common/actor.js';
import { PageQuery } from '../common/pagination.js';
import { IsEmailAddress } from '../common/email-address.js';
import { IsWellFormedText } from '../common/well-formed-text.js';

export const PASSWORD_MIN_LENGTH = 12;
// Bounds argon2 work per request: longer inputs would let a client buy CPU time cheaply.
export const PASSWORD_MAX_LENGTH = 128;

export const CLIENT_USER_AGENT_MAX_LENGTH = 512;
export const CLIENT_ADDRESS_MAX_LENGTH = 64;

/** Where a request came from, as the gateway saw it (never what the client claims): kept with sessions and security events. */
export class ClientContext {
  @IsOptional() @IsString() @IsWellFormedText() @MaxLength(CLIENT_ADDRESS_MAX_LENGTH) address?: string;
  @IsOptional() @IsString() @IsWellFormedText() @MaxLength(CLIENT_USER_AGENT_MAX_LENGTH) userAgent?: string;
}

export class RegisterRequest {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @IsEmailAddress() @IsWellFormedText() @MaxLength(254) email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString() @IsWellFormedText() @MinLength(PASSWORD_MIN_LENGTH) @MaxLength(PASSWORD_MAX_LENGTH) password: string;

  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @IsString() @IsWellFormedText() @IsNotEmpty() @MaxLength(100) displayName: string;
}

export class LoginRequest {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmailAddress() @IsWellFormedText() @MaxLength(254) email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString() @IsWellFormedText() @IsNotEmpty() @MaxLength(PASSWORD_MAX_LENGTH) password: string;
}

export class RefreshTokenRequest {
  @ApiProperty({ description: 'Opaque refresh token from a previous token response' })
  @IsString() @IsWellFormedText() @IsNotEmpty() @MaxLength(512) refreshToken: string;
}

export class JwksRequest {}

/** The revocations of the last `withinSeconds`: the caller's access-token lifetime plus its clock tolerance. */
export class RecentRevocationsRequest {
  @IsInt() @Min(1) @Max(86_400) withinSeconds: number;
}

export class RevokeUserSessionsRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() userId: string;
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
}

export class SetRolesRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() userId: string;
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
  @ApiProperty({ enum: ALL_ROLES, isArray: true })
  @IsArray() @ArrayMaxSize(8) @IsIn(ALL_ROLES, { each: true }) roles: Role[];
}

/** HTTP body of `PUT /v1/users/:id/roles` (admin): the user's complete new role set. */
export class SetRolesBody {
  @ApiProperty({ enum: ALL_ROLES, isArray: true, example: ['user', 'admin'] })
  @IsArray() @ArrayMaxSize(8) @IsIn(ALL_ROLES, { each: true }) roles: Role[];
}

/** RPC form of `POST /v1/auth/register`: the body plus the client it came from. */
export class RegisterRpcRequest extends RegisterRequest {
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
}

/** RPC form of `POST /v1/auth/login`. */
export class LoginRpcRequest extends LoginRequest {
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
}

/** RPC form of `POST /v1/auth/refresh`: the refresh records when and from where the session was last used. */
export class RefreshRpcRequest extends RefreshTokenRequest {
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
}

export class ListSessionsRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  /** The `sid` of the caller's access token: marks that session `current`. */
  @IsUUID() currentSessionId: string;
}

export class EndSessionRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() sessionId: string;
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
}

export class ListSecurityEventsRequest extends PageQuery {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() userId: string;
}

const newPasswordProperty = { example: 'a new correct horse battery', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH };
// Verification and reset tokens are 32 random bytes, base64url (43 characters).
const ONE_TIME_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** HTTP body of `POST /v1/auth/password/change`. */
export class ChangePasswordBody {
  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString() @IsWellFormedText() @IsNotEmpty() @MaxLength(PASSWORD_MAX_LENGTH) currentPassword: string;

  @ApiProperty(newPasswordProperty)
  @IsString() @IsWellFormedText() @MinLength(PASSWORD_MIN_LENGTH) @MaxLength(PASSWORD_MAX_LENGTH) newPassword: string;
}

export class ChangePasswordRequest extends ChangePasswordBody {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  /** The session making the change: the one that stays open. */
  @IsUUID() currentSessionId: string;
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
}

/** HTTP body of `POST /v1/auth/password/forgot`. */
export class ForgotPasswordBody {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @IsEmailAddress() @IsWellFormedText() @MaxLength(254) email: string;
}

export class ForgotPasswordRequest extends ForgotPasswordBody {}

/** HTTP body of `POST /v1/auth/password/reset`. */
export class ResetPasswordBody {
  @ApiProperty({ description: 'The token from the reset email', example: 'q0hPvyZ3Xh3v0cW1dGqf2lq3nQ0w8m1c5l7JbXxUq2E', pattern: ONE_TIME_TOKEN.source })
  @IsString() @IsWellFormedText() @Matches(ONE_TIME_TOKEN, { message: 'token must be the token from the email' }) token: string;

  @ApiProperty(newPasswordProperty)
  @IsString() @IsWellFormedText() @MinLength(PASSWORD_MIN_LENGTH) @MaxLength(PASSWORD_MAX_LENGTH) newPassword: string;
}

export class ResetPasswordRequest extends ResetPasswordBody {
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
}

/** HTTP body of `POST /v1/auth/email/verify`. */
export class VerifyEmailBody {
  @ApiProperty({ description: 'The token from the verification email', example: 'q0hPvyZ3Xh3v0cW1dGqf2lq3nQ0w8m1c5l7JbXxUq2E', pattern: ONE_TIME_TOKEN.source })
  @IsString() @IsWellFormedText() @Matches(ONE_TIME_TOKEN, { message: 'token must be the token from the email' }) token: string;
}

export class VerifyEmailRequest extends VerifyEmailBody {}

export class SendEmailVerificationRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
}

/** Admin, not on oneself: `auth.users.disable` and `auth.users.enable`. */
export class SetAccountEnabledRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() userId: string;
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
}

// A TOTP code (6 digits) or a recovery code (xxxxx-xxxxx, base32 lower case).
const MFA_CODE = /^(?:\d{6}|[a-z2-7]{5}-[a-z2-7]{5})$/;
const mfaCodeProperty = { description: 'A 6-digit code from the authenticator app, or an unused recovery code', example: '123456', pattern: MFA_CODE.source };

/** HTTP body of `POST /v1/auth/mfa/totp/confirm` and `DELETE /v1/auth/mfa/totp`. */
export class TotpCodeBody {
  @ApiProperty(mfaCodeProperty)
  @IsString() @IsWellFormedText() @Matches(MFA_CODE, { message: 'code must be 6 digits or a recovery code' }) code: string;
}

export class StartTotpRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
}

export class TotpCodeRequest extends TotpCodeBody {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
}

/** HTTP body of `POST /v1/auth/login/mfa`. */
export class LoginMfaBody extends TotpCodeBody {
  @ApiProperty({ description: 'The mfaToken of the AUTH.MFA_REQUIRED answer to the password step (valid 5 minutes)', example: 'q0hPvyZ3Xh3v0cW1dGqf2lq3nQ0w8m1c5l7JbXxUq2E', pattern: ONE_TIME_TOKEN.source })
  @IsString() @IsWellFormedText() @Matches(ONE_TIME_TOKEN, { message: 'mfaToken must be the mfaToken of the password step' }) mfaToken: string;
}

export class LoginMfaRequest extends LoginMfaBody {
  @IsDefined() @ValidateNested() @Type(() => ClientContext) client: ClientContext;
}
