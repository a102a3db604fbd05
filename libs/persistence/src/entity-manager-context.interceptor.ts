import { MikroORM, RequestContext } from '@mikro-orm/core';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';

/**
 * Gives every RPC request and event its own EntityManager fork (identity map), the way MikroORM's
 * HTTP middleware does for requests. The handler is invoked on subscription, so subscribing inside
 * RequestContext.create() makes the whole async handler chain see the fork.
 */
@Injectable()
export class EntityManagerContextInterceptor implements NestInterceptor {
  constructor(private readonly orm: MikroORM) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // HTTP already has a context from the MikroORM middleware; other transports get one here.
    if (context.getType() === 'http') return next.handle();
    return new Observable((subscriber) =>
      RequestContext.create(this.orm.em, () => next.handle().subscribe(subscriber)),
    );
  }
}
