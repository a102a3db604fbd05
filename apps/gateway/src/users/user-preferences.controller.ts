import { Body, Controller, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UpdatePreferencesBody, UserPreferences, UsersPreferencesRpc, type Actor } from '@plinth/contracts';
import { Authenticated } from '../access/access-policy.decorators.js';
import { CurrentActor } from '../access/current-actor.decorator.js';
import { ApiProblems } from '../http/api-problem-responses.decorator.js';
import { ServiceClient } from '../http/service-client.js';

@ApiTags('users')
@Authenticated()
@Controller('v1/users/me/preferences')
export class UserPreferencesController {
  constructor(private readonly rpc: ServiceClient) {}

  @Patch()
  @ApiOperation({ summary: 'Change the caller\'s preferences (email notifications on/off)' })
  @ApiOkResponse({ type: UserPreferences })
  @ApiProblems(404)
  async update(@CurrentActor() actor: Actor, @Body() body: UpdatePreferencesBody): Promise<UserPreferences> {
    const preferences = await this.rpc.send<UserPreferences>(UsersPreferencesRpc.update, {
      actor,
      userId: actor.userId,
      emailNotifications: body.emailNotifications,
    });
    return { emailNotifications: preferences.emailNotifications };
  }
}
