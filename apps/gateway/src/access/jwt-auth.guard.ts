import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AccessTokenVerifier } from '@plinth/access-tokens';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { accessPolicyOf } from './access-policy.js';
import type { AuthenticatedCaller } from './authenticated-caller.js';
import { TokenRevocations } from './token-revocations.js';

const BEARER = /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/i;

const unauthenticated = (message: string): ApplicationError => new ApplicationError(ErrorCodes.UNAUTHENTICATED, message);

/**
 * Global guard: every HTTP route requires a valid access token unless it is declared @Public().
 * Verification is local (AccessTokenVerifier: auth's cached keys, no RPC per request); revocations
 * learned from auth's events override it before the token expires.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: TokenRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Broadcast event handlers share the app's global guards; they are not HTTP requests.
    if (context.getType() !== 'http') return true;
    if (accessPolicyOf(this.reflector, context).kind === 'public') return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthenticatedCaller }>();
    request.user = await this.authenticate(request.headers.authorization);
    return true;
  }

  private async authenticate(authorization: string | undefined): Promise<AuthenticatedCaller> {
    if (!authorization) throw unauthenticated('An access token is required (Authorization: Bearer <token>).');
    const accessToken = BEARER.exec(authorization)?.[1];
    if (!accessToken) throw unauthenticated('The access token is malformed.');
    const { userId, roles, sessionId, issuedAt } = await this.verifier.verify(accessToken);
    if (this.revocations.isSessionRevoked(sessionId)) {
      throw new ApplicationError(ErrorCodes.AUTH_SESSION_REVOKED, 'The session of this access token was revoked.');
    }
    if (this.revocations.hasStaleRoles(userId, issuedAt)) {
      throw unauthenticated('The roles of this account changed; refresh the access token.');
    }
    return { userId, roles, sessionId, accessToken };
  }
}
