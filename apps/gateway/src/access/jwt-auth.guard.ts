import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { accessPolicyOf } from './access-policy.js';
import type { AuthenticatedCaller } from './authenticated-caller.js';
import { JWT_STRATEGY } from './jwt.strategy.js';

// jsonwebtoken's messages name expected issuers and audiences; clients get these instead.
const messageOf = (info: unknown): string => {
  if (info instanceof Error && info.name === 'TokenExpiredError') return 'The access token has expired.';
  if (info instanceof Error && info.message === 'No auth token') return 'An access token is required (Authorization: Bearer <token>).';
  return 'The access token is invalid.';
};

/** Global guard: every HTTP route requires a valid access token unless it is declared @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    // Broadcast event handlers share the app's global guards; they are not HTTP requests.
    if (context.getType() !== 'http') return true;
    if (accessPolicyOf(this.reflector, context).kind === 'public') return true;
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<TUser = AuthenticatedCaller>(error: unknown, caller: unknown, info: unknown): TUser {
    if (error) throw error;
    // Our own refusals (bad header, unknown key) and outages while fetching keys keep their code.
    if (info instanceof ApplicationError) throw info;
    if (!caller) throw new ApplicationError(ErrorCodes.UNAUTHENTICATED, messageOf(info));
    return caller as TUser;
  }
}
