import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { Actor } from '../common/actor.js';
import { PageQuery } from '../common/pagination.js';
import { IsEmailAddress } from '../common/email-address.js';
import { IsWellFormedText } from '../common/well-formed-text.js';

export class GetProfileRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() userId: string;
}

/** Idempotent upsert used right after registration so the profile is readable at once. */
export class EnsureProfileRequest {
  @IsUUID() userId: string;
  @IsEmailAddress() @IsWellFormedText() @MaxLength(254) email: string;
  @IsString() @IsWellFormedText() @IsNotEmpty() @MaxLength(100) displayName: string;
}

/** HTTP body of `PATCH /v1/users/me`: only displayName may change. */
export class UpdateProfileBody {
  @ApiProperty({ example: 'Ada King', minLength: 1, maxLength: 100 })
  @IsString() @IsWellFormedText() @IsNotEmpty() @MaxLength(100) displayName: string;
}

export class UpdateProfileRequest extends UpdateProfileBody {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() userId: string;
}

/** HTTP query of `GET /v1/users` (admin). */
export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive email prefix', maxLength: 254 })
  @IsOptional() @IsString() @IsWellFormedText() @MaxLength(254) email?: string;
}

export class ListUsersRequest extends ListUsersQuery {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
}

export const MAX_PROFILES_PER_BATCH = 100;

/** Profiles by id in one call (the GraphQL gateway's per-request batching): those the actor may see, in no particular order. */
export class GetProfilesRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_PROFILES_PER_BATCH) @IsUUID(undefined, { each: true }) userIds: string[];
}
