import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthRpc, ChangePasswordBody, type Actor, type ClientContext } from '@plinth/contracts';
import { Authenticated } from '../access/access-policy.decorators.js';
import { CurrentActor, CurrentSessionId } from '../access/current-actor.decorator.js';
import { ApiProblems } from '../http/api-problem-responses.decorator.js';
import { CurrentClient } from '../http/client-context.decorator.js';
import { ServiceClient } from '../http/service-client.js';
import { CredentialRoute } from '../rate-limits/rate-limits.js';

/** What a signed-in user does with their own credentials: owned by auth. */
@ApiTags('auth')
@Authenticated()
@Controller('v1/auth')
export class AccountController {
  constructor(private readonly rpc: ServiceClient) {}

  @Post('password/change')
  @HttpCode(HttpStatus.NO_CONTENT)
  @CredentialRoute()
  @ApiOperation({ summary: 'Change the caller\'s password (current one required); every other session ends, a confirmation email follows' })
  @ApiNoContentResponse({ description: 'Password changed' })
  @ApiProblems(401)
  async changePassword(
    @CurrentActor() actor: Actor,
    @CurrentSessionId() currentSessionId: string,
    @Body() body: ChangePasswordBody,
    @CurrentClient() client: ClientContext,
  ): Promise<void> {
    await this.rpc.send(AuthRpc.changePassword, {
      actor,
      currentSessionId,
      currentPassword: body.currentPassword,
      newPassword: body.newPassword,
      client,
    });
  }

  @Post('email/verification')
  @HttpCode(HttpStatus.ACCEPTED)
  @CredentialRoute()
  @ApiOperation({ summary: '(Re)send the verification email to the caller\'s address (valid 24 h; a newer one voids the older); none once verified' })
  @ApiAcceptedResponse({ description: 'Accepted; the email follows' })
  async sendEmailVerification(@CurrentActor() actor: Actor): Promise<void> {
    await this.rpc.send(AuthRpc.sendEmailVerification, { actor });
  }
}
