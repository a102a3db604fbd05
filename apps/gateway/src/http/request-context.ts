import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import type { AuthenticatedCaller } from '../access/authenticated-caller.js';
import { edgeRequestOf, isEdgeRequest } from './edge-request.js';
import { requestIdOf } from './request-id.middleware.js';

export interface RequestContext {
  requestId: string;
  /** The caller's verified access token; absent on public routes. */
  accessToken?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The HTTP request being served by the current async chain, if any. */
export const currentRequestContext = (): RequestContext | undefined => storage.getStore();

/**
 * Runs each HTTP handler inside its request's context, so that code deep in the call (the RPC client
 * wrapper) knows the request id and the caller's token without them being threaded through every signature. Interceptors run
 * after body parsing, guards and pipes, where an async context set in middleware would not survive.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!isEdgeRequest(context)) return next.handle();
    const request = edgeRequestOf<Request & { user?: AuthenticatedCaller }>(context);
    const requestContext: RequestContext = { requestId: requestIdOf(request), accessToken: request.user?.accessToken };
    return new Observable((subscriber) => storage.run(requestContext, () => next.handle().subscribe(subscriber)));
  }
}
