import { WithoutAccessToken } from '@plinth/access-tokens';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthRpc, LoginRpcRequest, RegisterRpcRequest, SetAccountEnabledRequest, SetRolesRequest, type AuthenticatedUser, type AuthResult } from '@plinth/contracts';
import { CredentialsService } from './credentials.service.js';

@Controller()
export class CredentialsHandlers {
  constructor(private readonly credentials: CredentialsService) {}

  @MessagePattern(AuthRpc.register)
  @WithoutAccessToken()
  register(@Payload() request: RegisterRpcRequest): Promise<AuthResult> {
    return this.credentials.register(request);
  }

  @MessagePattern(AuthRpc.login)
  @WithoutAccessToken()
  login(@Payload() request: LoginRpcRequest): Promise<AuthResult> {
    return this.credentials.login(request);
  }

  @MessagePattern(AuthRpc.setRoles)
  setRoles(@Payload() request: SetRolesRequest): Promise<AuthenticatedUser> {
    return this.credentials.setRoles(request.actor, request.userId, request.roles, request.client);
  }

  /** Replies with an empty object (an RPC reply needs a body). */
  @MessagePattern(AuthRpc.disableUser)
  async disable(@Payload() request: SetAccountEnabledRequest): Promise<Record<string, never>> {
    await this.credentials.setEnabled(request.actor, request.userId, false, request.client);
    return {};
  }

  @MessagePattern(AuthRpc.enableUser)
  async enable(@Payload() request: SetAccountEnabledRequest): Promise<Record<string, never>> {
    await this.credentials.setEnabled(request.actor, request.userId, true, request.client);
    return {};
  }
}
