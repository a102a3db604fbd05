import { Body, Controller, Delete, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthRpc, ChangePasswordBody, RecoveryCodes, TotpCodeBody, TotpEnrolment, type Actor, type ClientContext } from '@plinth/contracts';
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

  @Post('mfa/totp')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Start TOTP enrolment: a secret for the authenticator app; on only after POST /v1/auth/mfa/totp/confirm' })
  @ApiOkResponse({ type: TotpEnrolment })
  @ApiProblems(409)
  async startTotp(@CurrentActor() actor: Actor): Promise<TotpEnrolment> {
    const enrolment = await this.rpc.send<TotpEnrolment>(AuthRpc.startTotp, { actor });
    return { secret: enrolment.secret, otpauthUrl: enrolment.otpauthUrl };
  }

  @Post('mfa/totp/confirm')
  @HttpCode(HttpStatus.OK)
  @CredentialRoute()
  @ApiOperation({ summary: 'Confirm TOTP with a first code: on from now, and the recovery codes (shown this once)' })
  @ApiOkResponse({ type: RecoveryCodes })
  @ApiProblems(401)
  async confirmTotp(@CurrentActor() actor: Actor, @Body() body: TotpCodeBody, @CurrentClient() client: ClientContext): Promise<RecoveryCodes> {
    const codes = await this.rpc.send<RecoveryCodes>(AuthRpc.confirmTotp, { actor, code: body.code, client });
    return { recoveryCodes: [...codes.recoveryCodes] };
  }

  @Delete('mfa/totp')
  @HttpCode(HttpStatus.NO_CONTENT)
  @CredentialRoute()
  @ApiOperation({ summary: 'Turn TOTP off with a current code (or a recovery code)' })
  @ApiNoContentResponse({ description: 'TOTP off; the recovery codes are void' })
  @ApiProblems(401)
  async disableTotp(@CurrentActor() actor: Actor, @Body() body: TotpCodeBody, @CurrentClient() client: ClientContext): Promise<void> {
    await this.rpc.send(AuthRpc.disableTotp, { actor, code: body.code, client });
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
