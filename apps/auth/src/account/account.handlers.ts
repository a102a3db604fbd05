import { WithoutAccessToken } from '@plinth/access-tokens';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthRpc, ChangePasswordRequest, ForgotPasswordRequest, ResetPasswordRequest, SendEmailVerificationRequest, VerifyEmailRequest,
} from '@plinth/contracts';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordsService } from './passwords.service.js';

type Done = Record<string, never>;

/** Password change and recovery, email verification. Each replies with an empty object (an RPC reply needs a body). */
@Controller()
export class AccountHandlers {
  constructor(
    private readonly passwords: PasswordsService,
    private readonly verification: EmailVerificationService,
  ) {}

  @MessagePattern(AuthRpc.changePassword)
  async changePassword(@Payload() request: ChangePasswordRequest): Promise<Done> {
    await this.passwords.change(request);
    return {};
  }

  // Public: the email token (reset) or nothing at all (forgot) is the credential.
  @MessagePattern(AuthRpc.forgotPassword)
  @WithoutAccessToken()
  forgotPassword(@Payload() request: ForgotPasswordRequest): Done {
    this.passwords.forgot(request);
    return {};
  }

  @MessagePattern(AuthRpc.resetPassword)
  @WithoutAccessToken()
  async resetPassword(@Payload() request: ResetPasswordRequest): Promise<Done> {
    await this.passwords.reset(request);
    return {};
  }

  @MessagePattern(AuthRpc.sendEmailVerification)
  async sendEmailVerification(@Payload() request: SendEmailVerificationRequest): Promise<Done> {
    await this.verification.send(request.actor);
    return {};
  }

  @MessagePattern(AuthRpc.verifyEmail)
  @WithoutAccessToken()
  async verifyEmail(@Payload() request: VerifyEmailRequest): Promise<Done> {
    await this.verification.verify(request.token);
    return {};
  }
}
