import { WithoutAccessToken } from '@plinth/access-tokens';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthRpc, LoginMfaRequest, StartTotpRequest, TotpCodeRequest, type AuthResult, type RecoveryCodes, type TotpEnrolment } from '@plinth/contracts';
import { MfaService } from './mfa.service.js';

@Controller()
export class MfaHandlers {
  constructor(private readonly mfa: MfaService) {}

  @MessagePattern(AuthRpc.startTotp)
  start(@Payload() request: StartTotpRequest): Promise<TotpEnrolment> {
    return this.mfa.start(request.actor);
  }

  @MessagePattern(AuthRpc.confirmTotp)
  confirm(@Payload() request: TotpCodeRequest): Promise<RecoveryCodes> {
    return this.mfa.confirm(request.actor, request.code, request.client);
  }

  /** Replies with an empty object (an RPC reply needs a body). */
  @MessagePattern(AuthRpc.disableTotp)
  async disable(@Payload() request: TotpCodeRequest): Promise<Record<string, never>> {
    await this.mfa.disable(request.actor, request.code, request.client);
    return {};
  }

  // The mfaToken of the password step is the credential here.
  @MessagePattern(AuthRpc.loginMfa)
  @WithoutAccessToken()
  login(@Payload() request: LoginMfaRequest): Promise<AuthResult> {
    return this.mfa.login(request);
  }
}
