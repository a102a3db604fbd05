import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ListUsersQuery,
  Roles as RoleNames,
  UpdateProfileBody,
  UserProfile,
  UsersRpc,
  type Actor,
  type Page,
} from '@plinth/contracts';
import { ServiceClient } from '../http/service-client.js';
import { Authenticated, Roles } from '../access/access-policy.decorators.js';
import { CurrentActor } from '../access/current-actor.decorator.js';
import { ApiProblems } from '../http/api-problem-responses.decorator.js';
import { UserProfilePageModel } from '../http/openapi.models.js';
import { pageOf } from '../http/page.js';
import { UuidParam } from '../http/uuid-param.decorator.js';
import { toUserProfile } from './user-profile.mapper.js';

@ApiTags('users')
@Controller('v1/users')
export class UsersController {
  constructor(private readonly rpc: ServiceClient) {}

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The caller\'s profile' })
  @ApiOkResponse({ type: UserProfile })
  @ApiProblems(404)
  async me(@CurrentActor() actor: Actor): Promise<UserProfile> {
    return toUserProfile(await this.rpc.send<UserProfile>(UsersRpc.getProfile, { actor, userId: actor.userId }));
  }

  @Patch('me')
  @Authenticated()
  @ApiOperation({ summary: 'Change the caller\'s display name' })
  @ApiOkResponse({ type: UserProfile })
  @ApiProblems(404)
  async updateMe(@CurrentActor() actor: Actor, @Body() body: UpdateProfileBody): Promise<UserProfile> {
    const profile = await this.rpc.send<UserProfile>(UsersRpc.updateProfile, { actor, userId: actor.userId, displayName: body.displayName });
    return toUserProfile(profile);
  }

  @Get()
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'List profiles, newest first (admin)' })
  @ApiOkResponse({ type: UserProfilePageModel })
  async list(@CurrentActor() actor: Actor, @Query() query: ListUsersQuery): Promise<Page<UserProfile>> {
    const page = await this.rpc.send<Page<UserProfile>>(UsersRpc.list, { actor, limit: query.limit, cursor: query.cursor, email: query.email });
    return pageOf(page, toUserProfile);
  }

  @Get(':id')
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'One profile by user id (admin)' })
  @ApiOkResponse({ type: UserProfile })
  @ApiProblems(404)
  async get(@CurrentActor() actor: Actor, @UuidParam('id') userId: string): Promise<UserProfile> {
    return toUserProfile(await this.rpc.send<UserProfile>(UsersRpc.getProfile, { actor, userId }));
  }
}
