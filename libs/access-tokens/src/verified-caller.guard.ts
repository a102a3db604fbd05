import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException, type RmqContext } from '@nestjs/microservices';
import { PATTERN_HANDLER_METADATA } from '@nestjs/microservices/constants.js';
import { ACCESS_TOKEN_HEADER, ApplicationError, ErrorCodes, type Actor } from '@plinth/contracts';
import { AccessTokenVerifier, type VerifiedAccessToken } from './access-token-verifier.js';
import { TokenRevocations } from './token-revocations.js';
import { WITHOUT_ACCESS_TOKEN } from './without-access-token.decorator.js';

// @nestjs/microservices' PatternHandler.EVENT (the enum is not exported from its index).
const EVENT_HANDLER = 2;

const sameRoles = (claimed: unknown, granted: readonly string[]): boolean =>
  Array.isArray(claimed) && claimed.length === granted.length && claimed.every((role) => granted.includes(role as string));

/** Only `{ userId, roles }` exactly as the token says; anything else in `actor` is refused by validation later. */
const isActorOf = (claimed: unknown, token: VerifiedAccessToken): boolean => {
  if (typeof claimed !== 'object' || claimed === null) return false;
  const { userId, roles } = claimed as Partial<Actor>;
  return userId === token.userId && sameRoles(roles, token.roles);
};

// Guards run before the RPC error interceptor: an RpcException carrying our body is what Nest's RPC
// exception filter passes through unchanged (anything else would become a generic internal error).
const refusal = (error: unknown): RpcException =>
  new RpcException(error instanceof ApplicationError ? error.toBody() : { code: ErrorCodes.UNAVAILABLE, message: 'Access tokens cannot be verified right now' });

/** Why a genuine token must be refused anyway (the same answers at the gateway and in every service), if it must. */
export function revocationOf(revocations: TokenRevocations, token: VerifiedAccessToken): ApplicationError | undefined {
  if (revocations.isSessionRevoked(token.sessionId)) {
    return new ApplicationError(ErrorCodes.AUTH_SESSION_REVOKED, 'The session of this access token was revoked.');
  }
  if (revocations.hasStaleRoles(token.userId, token.issuedAt)) {
    return new ApplicationError(ErrorCodes.UNAUTHENTICATED, 'The roles of this account changed; refresh the access token.');
  }
  return undefined;
}

/**
 * Services never trust the gateway: an RPC request is served only when it carries, in the
 * `x-access-token` AMQP header, a genuine access token (verified here, locally, against auth's
 * keys) whose subject and roles are exactly the request's `actor`. A message published straight
 * to the broker therefore cannot act for a user without that user's valid token. Handlers marked
 * @WithoutAccessToken() and event handlers (which carry facts, not a caller) are exempt. A token whose session was
 * revoked, or issued before its user's roles changed, is refused here as at the gateway.
 */
@Injectable()
export class VerifiedCallerGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: TokenRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'rpc') return true;
    if (this.reflector.get<number | undefined>(PATTERN_HANDLER_METADATA, context.getHandler()) === EVENT_HANDLER) return true;
    if (this.reflector.getAllAndOverride<boolean | undefined>(WITHOUT_ACCESS_TOKEN, [context.getHandler(), context.getClass()])) return true;
    const rpc = context.switchToRpc();
    const token = rpc.getContext<RmqContext>().getMessage().properties.headers?.[ACCESS_TOKEN_HEADER] as unknown;
    if (typeof token !== 'string' || token.length === 0) {
      throw refusal(new ApplicationError(ErrorCodes.UNAUTHENTICATED, 'This request must carry the caller\'s access token.'));
    }
    let verified: VerifiedAccessToken;
    try {
      verified = await this.verifier.verify(token);
    } catch (error) {
      throw refusal(error);
    }
    const revoked = revocationOf(this.revocations, verified);
    if (revoked) throw refusal(revoked);
    const { actor } = (rpc.getData() ?? {}) as { actor?: unknown };
    if (actor !== undefined && !isActorOf(actor, verified)) {
      throw refusal(new ApplicationError(ErrorCodes.FORBIDDEN, 'The actor of this request is not the bearer of its access token.'));
    }
    return true;
  }
}
