import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { Context as WsContext } from 'graphql-ws';
import type { AuthenticatedCaller } from '../access/authenticated-caller.js';
import { acceptOrGenerateRequestId } from '../http/request-id.middleware.js';

/**
 * What every resolver sees. `req` is the Express request of POST /graphql (after the request id, body limit and
 * strict JSON middleware), or for a subscription a request-like object built from the graphql-ws connection, so the
 * same guards (token, roles, rate limits) read it the same way. `user` is set by JwtAuthGuard.
 */
export interface GraphqlRequestContext {
  req: Request & { user?: AuthenticatedCaller };
  res?: Response;
}

interface ConnectionParams {
  authorization?: unknown;
}

// graphql-ws' `extra` for the ws server: the upgrade request.
interface WsExtra {
  request: IncomingMessage;
}

const subscriptionRequestOf = (connection: WsContext<Record<string, unknown> | undefined, WsExtra>): GraphqlRequestContext['req'] => {
  const authorization = (connection.connectionParams as ConnectionParams | undefined)?.authorization;
  const upgrade = connection.extra.request;
  const requestId = acceptOrGenerateRequestId(upgrade.headers['x-request-id']);
  return {
    headers: typeof authorization === 'string' ? { authorization } : {},
    id: requestId,
    ip: upgrade.socket.remoteAddress,
    path: '/graphql',
  } as unknown as GraphqlRequestContext['req'];
};

/** Apollo calls it with `{ req, res }`; graphql-ws with its connection context. */
export const graphqlContextOf = (argument: { req: Request; res: Response } | WsContext<Record<string, unknown> | undefined, WsExtra>): GraphqlRequestContext =>
  'req' in argument && argument.req !== undefined
    ? { req: argument.req as GraphqlRequestContext['req'], res: argument.res }
    : { req: subscriptionRequestOf(argument as WsContext<Record<string, unknown> | undefined, WsExtra>) };
