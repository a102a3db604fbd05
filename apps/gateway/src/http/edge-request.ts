import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import type { GraphqlRequestContext } from '../graphql/graphql-context.js';

/** The two kinds of client request the gateway serves; broadcast event handlers (rpc) are neither. */
export const isEdgeRequest = (context: ExecutionContext): boolean => {
  const type = context.getType<GqlContextType>();
  return type === 'http' || type === 'graphql';
};

/** A GraphQL subscription's resolver runs on a graphql-ws connection: no HTTP response to decorate. */
export const isSubscription = (context: ExecutionContext): boolean =>
  context.getType<GqlContextType>() === 'graphql' && GqlExecutionContext.create(context).getInfo().parentType.name === 'Subscription';

export const isMutation = (context: ExecutionContext): boolean =>
  context.getType<GqlContextType>() === 'graphql' && GqlExecutionContext.create(context).getInfo().parentType.name === 'Mutation';

/**
 * The Express request behind a REST route or a GraphQL operation (for a subscription: the upgrade request with
 * the connection's `authorization`), so guards and limits treat both the same way.
 */
export const edgeRequestOf = <T = Request>(context: ExecutionContext): T =>
  (context.getType<GqlContextType>() === 'graphql'
    ? GqlExecutionContext.create(context).getContext<GraphqlRequestContext>().req
    : context.switchToHttp().getRequest()) as T;

export const edgeResponseOf = (context: ExecutionContext): Response | undefined =>
  context.getType<GqlContextType>() === 'graphql'
    ? GqlExecutionContext.create(context).getContext<GraphqlRequestContext>().res
    : context.switchToHttp().getResponse<Response>();
