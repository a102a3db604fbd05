import { WithoutAccessToken } from '@plinth/access-tokens';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthRpc, RefreshTokenRequest, RevokeUserSessionsRequest, type RevokeUserSessionsResult, type TokenPair } from '@plinth/contracts';
import { SessionsService } from './sessions.service.js';

@Controller()
export class SessionsHandlers {
  constructor(private readonly sessions: SessionsService) {}

  // The refresh token is the credential here; the caller has no valid access token by definition.
  @MessagePattern(AuthRpc.refresh)
  @WithoutAccessToken()
  refresh(@Payload() request: RefreshTokenRequest): Promise<TokenPair> {
    return this.sessions.refresh(request.refreshToken);
  }

  /** Replies with an empty object: the contract defines no logout result, and an RPC reply needs a body. */
  @MessagePattern(AuthRpc.logout)
  @WithoutAccessToken()
  async logout(@Payload() request: RefreshTokenRequest): Promise<Record<string, never>> {
    await this.sessions.logout(request.refreshToken);
    return {};
  }

  @MessagePattern(AuthRpc.revokeUserSessions)
  revokeUserSessions(@Payload() request: RevokeUserSessionsRequest): Promise<RevokeUserSessionsResult> {
    return this.sessions.revokeUserSessions(request.actor, request.userId);
  }
}
