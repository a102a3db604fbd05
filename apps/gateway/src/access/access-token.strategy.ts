import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { AccessTokenVerifier, revocationOf, TokenRevocations } from '@plinth/access-tokens';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import type { AuthenticatedCaller } from './authenticated-caller.js';

export const ACCESS_TOKEN_STRATEGY = 'access-token';

// Only the Authorization header: a token in a query string or body ends up in logs and browser history.
const BEARER = /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/i;

export const unauthenticated = (message: string): ApplicationError => new ApplicationError(ErrorCodes.UNAUTHENTICATED, message);

/**
 * Passport strategy for the access tokens auth issues. Verification is local (AccessTokenVerifier: auth's
 * cached keys, the same verifier every service uses, no RPC per request); revocations (auth's events, caught up
 * at every broker (re)connection, the same store every service checks) override it before the token expires.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: TokenRevocations,
  ) {
    super();
  }

  async validate(request: Request): Promise<AuthenticatedCaller> {
    const authorization = request.headers.authorization;
    if (!authorization) throw unauthenticated('An access token is required (Authorization: Bearer <token>).');
    const accessToken = BEARER.exec(authorization)?.[1];
    if (!accessToken) throw unauthenticated('The access token is malformed.');
    const verified = await this.verifier.verify(accessToken);
    const revoked = revocationOf(this.revocations, verified);
    if (revoked) throw revoked;
    return { userId: verified.userId, roles: verified.roles, sessionId: verified.sessionId, accessToken };
  }
}
