import { Body, Controller, Get, HttpCode, HttpStatus, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuthenticatedUser,
  AuthRpc,
  RevokeUserSessionsResult,
  Roles as RoleNames,
  PageQuery,
  SetRolesBody,
  type Actor,
  type ClientContext,
  type Page,
  type SecurityEventView,
} from '@plinth/contracts';
import { Roles } from '../access/access-policy.decorators.js';
import { CurrentActor } from '../access/current-actor.decorator.js';
import { ApiProblems } from '../http/api-problem-responses.decorator.js';
import { CurrentClient } from '../http/client-context.decorator.js';
import { SecurityEventPageModel } from '../http/openapi.models.js';
import { pageOf } from '../http/page.js';
import { ServiceClient } from '../http/service-client.js';
import { UuidParam } from '../http/uuid-param.decorator.js';

/** Admin control over another user's access (roles, sessions): owned by auth, addressed by user id. */
@ApiTags('users')
@Controller('v1/users/:id')
export class UserAccessController {
  constructor(private readonly rpc: ServiceClient) {}

  @Put('roles')
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'Replace a user\'s roles (admin, not their own); applies from the user\'s next refresh' })
  @ApiOkResponse({ type: AuthenticatedUser })
  @ApiProblems(404)
  async setRoles(
    @CurrentActor() actor: Actor,
    @UuidParam('id') userId: string,
    @Body() body: SetRolesBody,
    @CurrentClient() client: ClientContext,
  ): Promise<AuthenticatedUser> {
    const user = await this.rpc.send<AuthenticatedUser>(AuthRpc.setRoles, { actor, userId, roles: body.roles, client });
    return { id: user.id, email: user.email, displayName: user.displayName, roles: user.roles };
  }

  @Post('sessions/revoke')
  @HttpCode(HttpStatus.OK)
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'End every session of a user (admin); their access tokens are refused at once' })
  @ApiOkResponse({ type: RevokeUserSessionsResult })
  @ApiProblems(404)
  async revokeSessions(
    @CurrentActor() actor: Actor,
    @UuidParam('id') userId: string,
    @CurrentClient() client: ClientContext,
  ): Promise<RevokeUserSessionsResult> {
    const result = await this.rpc.send<RevokeUserSessionsResult>(AuthRpc.revokeUserSessions, { actor, userId, client });
    return { revokedSessions: result.revokedSessions };
  }

  @Post('disable')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'Disable an account (admin, not their own): no login or refresh; its sessions end at once' })
  @ApiNoContentResponse({ description: 'Disabled (or already was)' })
  @ApiProblems(404)
  async disable(@CurrentActor() actor: Actor, @UuidParam('id') userId: string, @CurrentClient() client: ClientContext): Promise<void> {
    await this.rpc.send(AuthRpc.disableUser, { actor, userId, client });
  }

  @Post('enable')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'Enable a disabled account again (admin); the user logs in anew' })
  @ApiNoContentResponse({ description: 'Enabled (or already was)' })
  @ApiProblems(404)
  async enable(@CurrentActor() actor: Actor, @UuidParam('id') userId: string, @CurrentClient() client: ClientContext): Promise<void> {
    await this.rpc.send(AuthRpc.enableUser, { actor, userId, client });
  }

  @Get('security-events')
  @Roles(RoleNames.ADMIN)
  @ApiOperation({ summary: 'A user\'s security-event trail, newest first (admin): logins, password and MFA changes, sessions ended, roles, disabling, deletion' })
  @ApiOkResponse({ type: SecurityEventPageModel })
  async securityEvents(@CurrentActor() actor: Actor, @UuidParam('id') userId: string, @Query() query: PageQuery): Promise<Page<SecurityEventView>> {
    const page = await this.rpc.send<Page<SecurityEventView>>(AuthRpc.listSecurityEvents, { actor, userId, limit: query.limit, cursor: query.cursor });
    return pageOf(page, (event) => ({
      id: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      actorId: event.actorId,
      address: event.address,
      userAgent: event.userAgent,
    }));
  }
}
