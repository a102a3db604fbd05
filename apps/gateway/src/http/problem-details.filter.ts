import { Catch, Logger, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import type { GqlContextType } from '@nestjs/graphql';
import type { Observable } from 'rxjs';
import type { Request, Response } from 'express';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { GatewayConfig } from '../config.js';
import { HttpOnlyCodes } from './error-status.table.js';
import { exceptionToProblem, retryAfterSecondsOf } from './exception-to-problem.js';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';
import { requestIdOf } from './request-id.middleware.js';
import { RouteTable } from './route-table.js';

/** Answers every failed HTTP request with RFC 9457 problem+json; nothing else ever reaches a client. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');
  private readonly rpcFilter = new BaseRpcExceptionFilter();

  constructor(
    private readonly config: GatewayConfig,
    private readonly routes: RouteTable,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<unknown> {
    // Broadcast event handlers run in this app too; their failures keep Nest's default path to the transport.
    // GraphQL errors are shaped once for the whole response (graphql-errors.ts), with the same codes.
    if (host.getType<GqlContextType>() === 'graphql') throw exception;
    if (host.getType() !== 'http') return this.rpcFilter.catch(exception, host);

    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const problem = exceptionToProblem(this.methodNotAllowed(exception, request, response) ?? exception, {
      instance: request.originalUrl.split('?', 1)[0],
      requestId: requestIdOf(request),
    });

    if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId: problem.requestId, code: problem.code }, 'request failed');
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="plinth"');
    if (problem.code === ErrorCodes.UNAVAILABLE) response.setHeader('Retry-After', String(this.config.RETRY_AFTER_SECONDS));
    const retryAfter = retryAfterSecondsOf(exception);
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  // Controllers never throw NotFoundException (services answer with NOT_FOUND codes), so one means that
  // no route matched; if the path exists with other methods, the honest answer is 405 with `Allow`.
  private methodNotAllowed(exception: unknown, request: Request, response: Response): ApplicationError | undefined {
    if (!(exception instanceof NotFoundException)) return undefined;
    const allowed = this.routes.allowedMethods(request.path);
    if (allowed.length === 0) return undefined;
    response.setHeader('Allow', allowed.join(', '));
    return new ApplicationError(HttpOnlyCodes.METHOD_NOT_ALLOWED, `${request.method} is not supported here; use ${allowed.join(', ')}.`);
  }
}
