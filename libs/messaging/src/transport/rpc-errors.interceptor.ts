import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { catchError, throwError, type Observable } from 'rxjs';
import { toErrorBody } from '../rpc/rpc-error-body.js';

/**
 * Nest's default RPC exception filter turns every error that is not an RpcException into
 * "Internal server error", losing ApplicationError codes and validation details. This interceptor sits
 * around pipes and handler (so it sees ValidationPipe failures too) and re-throws every error as an
 * RpcException carrying our `{ code, message, details }` body, which that filter then passes through.
 * The original error rides along as a non-enumerable `cause` (never serialized) so event consumers can
 * record the real reason in the DLQ. It does nothing outside the RPC context, so HTTP is unaffected.
 */
@Injectable()
export class RpcErrorsInterceptor implements NestInterceptor {
  private readonly logger = new Logger('RpcErrors');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    return next.handle().pipe(catchError((error: unknown) => {
      const { body, expected } = toErrorBody(error);
      if (!expected) this.logger.error(error instanceof Error ? error.stack ?? error.message : String(error));
      const carried = { ...body };
      Object.defineProperty(carried, 'cause', { value: error, enumerable: false });
      return throwError(() => new RpcException(carried));
    }));
  }
}
