import { WithoutAccessToken } from '@plinth/access-tokens';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthRpc, RecentRevocationsRequest, RefreshTokenRequest, RevokeUserSessionsRequest, type RecentRevocations, type RevokeUserSessionsResult, type TokenPair,
} from '@plinth/contracts';
import { RecentRevocationsQuery } from './recent-revocations.js';
import { SessionsService } from './sessions.service.js';

@Controller()
export class SessionsHandlers {
  constructor(
    private readonly sessions: SessionsService,
    private readonly recent: RecentRevocationsQuery,
  ) {}

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

  // Asked by services catching up at (re)connection, for no user; ids of revoked sessions grant nothing.
  @MessagePattern(AuthRpc.recentRevocations)
  @WithoutAccessToken()
  recentRevocations(@Payload() request: RecentRevocationsRequest): Promise<RecentRevocations> {
    return this.recent.within(request.withinSeconds);
  }

  @MessagePattern(AuthRpc.revokeUserSessions)
  revokeUserSessions(@Payload() request: RevokeUserSessionsRequest): Promise<RevokeUserSessionsResult> {
    return this.sessions.revokeUserSessions(request.actor, request.userId);
  }
}
