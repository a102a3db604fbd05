import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { requestIdOf } from './request-id.middleware.js';

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The HTTP request being served by the current async chain, if any. */
export const currentRequestContext = (): RequestContext | undefined => storage.getStore();

/**
 * Runs each HTTP handler inside its request's context, so that code deep in the call (the RPC client
 * wrapper) knows the request id without it being threaded through every signature. Interceptors run
 * after body parsing, guards and pipes, where an async context set in middleware would not survive.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const requestContext = { requestId: requestIdOf(context.switchToHttp().getRequest<Request>()) };
    return new Observable((subscriber) => storage.run(requestContext, () => next.handle().subscribe(subscriber)));
  }
}
