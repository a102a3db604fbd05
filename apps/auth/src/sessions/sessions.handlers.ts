import { WithoutAccessToken } from '@plinth/access-tokens';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthRpc, EndSessionRequest, ListSessionsRequest, RecentRevocationsRequest, RefreshRpcRequest, RevokeUserSessionsRequest,
  type RecentRevocations, type RevokeUserSessionsResult, type SessionList, type TokenPair,
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
  refresh(@Payload() request: RefreshRpcRequest): Promise<TokenPair> {
    return this.sessions.refresh(request.refreshToken, request.client);
  }

  /** Replies with an empty object: the contract defines no logout result, and an RPC reply needs a body. */
  @MessagePattern(AuthRpc.logout)
  @WithoutAccessToken()
  async logout(@Payload() request: RefreshRpcRequest): Promise<Record<string, never>> {
    await this.sessions.logout(request.refreshToken, request.client);
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
    return this.sessions.revokeUserSessions(request.actor, request.userId, request.client);
  }

  @MessagePattern(AuthRpc.listSessions)
  listSessions(@Payload() request: ListSessionsRequest): Promise<SessionList> {
    return this.sessions.list(request.actor, request.currentSessionId);
  }

  /** Replies with an empty object, like logout. */
  @MessagePattern(AuthRpc.endSession)
  async endSession(@Payload() request: EndSessionRequest): Promise<Record<string, never>> {
    await this.sessions.end(request.actor, request.sessionId, request.client);
    return {};
  }
}
