import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsUUID } from 'class-validator';

export const Roles = { USER: 'user', ADMIN: 'admin' } as const;
export type Role = (typeof Roles)[keyof typeof Roles];
export const ALL_ROLES: readonly Role[] = Object.values(Roles);

/**
 * Who is asking. The gateway fills it from the verified access token; services use it for
 * object-level authorization and never trust ids in the payload beyond it.
 */
export class Actor {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId: string;
  @ApiProperty({ enum: ALL_ROLES, isArray: true }) @IsArray() @ArrayMaxSize(8) @IsIn(ALL_ROLES, { each: true }) roles: Role[];
}

export const isAdmin = (actor: Actor): boolean => actor.roles.includes(Roles.ADMIN);
