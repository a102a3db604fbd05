import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { edgeRequestOf, isEdgeRequest } from '../http/edge-request.js';
import { accessPolicyOf } from './access-policy.js';
import { ACCESS_TOKEN_STRATEGY, unauthenticated } from './access-token.strategy.js';

/** Global guard: every HTTP route and GraphQL root field requires a valid access token (AccessTokenStrategy) unless it is declared @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // Broadcast event handlers share the app's global guards; they are not HTTP requests.
    if (!isEdgeRequest(context)) return true;
    if (accessPolicyOf(this.reflector, context).kind === 'public') return true;
    return super.canActivate(context) as Promise<boolean>;
  }

  override getRequest(context: ExecutionContext): unknown {
    return edgeRequestOf(context);
  }

  // The strategy's own errors (typed, with their codes) reach the client as they are.
  override handleRequest<Caller>(error: unknown, caller: Caller | false): Caller {
    if (error) throw error;
    if (!caller) throw unauthenticated('An access token is required (Authorization: Bearer <token>).');
    return caller;
  }
}
