import { Body, Controller, HttpCode, HttpStatus, Logger, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  ApplicationError,
  AuthRpc,
  ErrorCodes,
  ForgotPasswordBody,
  LoginMfaBody,
  LoginRequest,
  RefreshTokenRequest,
  RegisterRequest,
  ResetPasswordBody,
  TokenPair,
  VerifyEmailBody,
  UsersRpc,
  type AuthResult,
  type ClientContext,
  type EnsureProfileRequest,
  type UserProfile,
} from '@plinth/contracts';
import { CurrentClient } from '../http/client-context.decorator.js';
import { ServiceClient } from '../http/service-client.js';
import { Public } from '../access/access-policy.decorators.js';
import { ApiProblems } from '../http/api-problem-responses.decorator.js';
import { LoginDelays } from '../rate-limits/login-delays.js';
import { CredentialRoute, PasswordRoute } from '../rate-limits/rate-limits.js';
import { toTokenPair } from './token-pair.mapper.js';

@ApiTags('auth')
@Public()
@Controller('v1/auth')
export class AuthController {
  private readonly logger = new Logger(AuthController.name);

  constructor(
    private readonly rpc: ServiceClient,
    private readonly loginDelays: LoginDelays,
  ) {}

  @Post('register')
  @CredentialRoute()
  @ApiOperation({ summary: 'Create an account and sign in' })
  @ApiCreatedResponse({ type: TokenPair })
  @ApiProblems(409)
  async register(@Body() body: RegisterRequest, @CurrentClient() client: ClientContext): Promise<TokenPair> {
    const { user, tokens } = await this.rpc.send<AuthResult>(AuthRpc.register, {
      email: body.email,
      password: body.password,
      displayName: body.displayName,
      client,
    });
    await this.ensureProfile({ userId: user.id, email: user.email, displayName: user.displayName });
    return toTokenPair(tokens);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @CredentialRoute()
  @PasswordRoute()
  @ApiOperation({ summary: 'Exchange email and password for tokens' })
  @ApiOkResponse({ type: TokenPair })
  @ApiProblems(401, 403)
  async login(
    @Body() body: LoginRequest,
    @CurrentClient() client: ClientContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenPair> {
    await this.loginDelays.beginAttempt(body.email, response);
    let result: AuthResult;
    try {
      result = await this.rpc.send<AuthResult>(AuthRpc.login, { email: body.email, password: body.password, client });
    } catch (error) {
      if (error instanceof ApplicationError && error.code === ErrorCodes.AUTH_INVALID_CREDENTIALS) await this.loginDelays.failed(body.email);
      // The password was right; guessing codes is limited per account by auth itself.
      if (error instanceof ApplicationError && error.code === ErrorCodes.AUTH_MFA_REQUIRED) await this.loginDelays.succeeded(body.email);
      throw error;
    }
    await this.loginDelays.succeeded(body.email);
    return toTokenPair(result.tokens);
  }

  @Post('login/mfa')
  @HttpCode(HttpStatus.OK)
  @CredentialRoute()
  @ApiOperation({ summary: 'Second step of a login with TOTP on: the mfaToken of AUTH.MFA_REQUIRED and a code (or a recovery code)' })
  @ApiOkResponse({ type: TokenPair })
  @ApiProblems(401)
  async loginMfa(@Body() body: LoginMfaBody, @CurrentClient() client: ClientContext): Promise<TokenPair> {
    const result = await this.rpc.send<AuthResult>(AuthRpc.loginMfa, { mfaToken: body.mfaToken, code: body.code, client });
    return toTokenPair(result.tokens);
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @CredentialRoute()
  @ApiOperation({ summary: 'Rotate a refresh token into a new token pair (the old one stops working)' })
  @ApiOkResponse({ type: TokenPair })
  @ApiProblems(401)
  async refresh(@Body() body: RefreshTokenRequest, @CurrentClient() client: ClientContext): Promise<TokenPair> {
    return toTokenPair(await this.rpc.send<TokenPair>(AuthRpc.refresh, { refreshToken: body.refreshToken, client }));
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End the session of a refresh token; its access tokens stop working at once' })
  @ApiNoContentResponse({ description: 'Session ended' })
  @ApiProblems(401)
  async logout(@Body() body: RefreshTokenRequest, @CurrentClient() client: ClientContext): Promise<void> {
    await this.rpc.send(AuthRpc.logout, { refreshToken: body.refreshToken, client });
  }

  @Post('password/forgot')
  @HttpCode(HttpStatus.ACCEPTED)
  @CredentialRoute()
  @PasswordRoute()
  @ApiOperation({ summary: 'Email a password-reset link (valid 30 min) to the account, if there is one: the answer is the same either way' })
  @ApiAcceptedResponse({ description: 'Accepted; an email follows if the address has an account' })
  async forgotPassword(@Body() body: ForgotPasswordBody): Promise<void> {
    await this.rpc.send(AuthRpc.forgotPassword, { email: body.email });
  }

  @Post('password/reset')
  @HttpCode(HttpStatus.NO_CONTENT)
  @CredentialRoute()
  @ApiOperation({ summary: 'Set a new password with the token from the reset email; every session of the account ends' })
  @ApiNoContentResponse({ description: 'Password set' })
  async resetPassword(@Body() body: ResetPasswordBody, @CurrentClient() client: ClientContext): Promise<void> {
    await this.rpc.send(AuthRpc.resetPassword, { token: body.token, newPassword: body.newPassword, client });
  }

  @Post('email/verify')
  @HttpCode(HttpStatus.NO_CONTENT)
  @CredentialRoute()
  @ApiOperation({ summary: 'Prove the account\'s email address with the token from the verification email' })
  @ApiNoContentResponse({ description: 'Address verified' })
  async verifyEmail(@Body() body: VerifyEmailBody): Promise<void> {
    await this.rpc.send(AuthRpc.verifyEmail, { token: body.token });
  }

  // The profile also arrives through `auth.user.registered`; creating it now makes GET /v1/users/me
  // work right after registration. The account exists either way, so a failure here must not turn a
  // successful registration into an error the client would retry (and then get EMAIL_TAKEN).
  private async ensureProfile(request: EnsureProfileRequest): Promise<void> {
    try {
      await this.rpc.send<UserProfile>(UsersRpc.ensureProfile, request);
    } catch (error) {
      this.logger.warn({ err: error, userId: request.userId }, 'profile not ensured after registration; the registration event will create it');
    }
  }
}
