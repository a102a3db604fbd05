import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '@plinth/contracts';
import { edgeRequestOf } from '../http/edge-request.js';
import { actorOf, type AuthenticatedCaller } from './authenticated-caller.js';

/** The verified caller as the `actor` of RPC requests. Only on routes that are not @Public(). */
export const CurrentActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Actor =>
    actorOf(edgeRequestOf<{ user: AuthenticatedCaller }>(context).user),
);

/** The `sid` of the caller's verified access token: the session this request belongs to. */
export const CurrentSessionId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<{ user: AuthenticatedCaller }>().user.sessionId,
);
