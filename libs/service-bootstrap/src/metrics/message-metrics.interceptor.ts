import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { RmqContext } from '@nestjs/microservices';
import { sampledTraceExemplar, ServiceMetrics, type HandlerKind, type HandlerOutcome } from '@plinth/telemetry';
import { finalize, tap, type Observable } from 'rxjs';

/**
 * RED per message handler, and for events their age once applied (freshness). Sits inside the transport's error
 * interceptor, so it sees what the handler threw (a typed RPC error reply and an event that goes to retry both
 * count as `error`). The consumer span of a sampled message is the exemplar.
 */
@Injectable()
export class MessageMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: ServiceMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc();
    const rmq = rpc.getContext<RmqContext>();
    const kind: HandlerKind = rmq.getMessage()?.properties?.replyTo ? 'rpc' : 'event';
    const pattern = String(rmq.getPattern());
    const exemplar = sampledTraceExemplar();
    const stopTimer = this.metrics.messageHandlerDuration.startTimer({ kind, pattern }, exemplar);
    this.metrics.messageHandlersInFlight.inc({ kind });
    let outcome: HandlerOutcome = 'success';
    return next.handle().pipe(
      tap({ error: () => (outcome = 'error') }),
      finalize(() => {
        this.metrics.messageHandlersInFlight.dec({ kind });
        stopTimer({ outcome });
        if (kind === 'event' && outcome === 'success') {
          this.metrics.observeEventAge(pattern, (rpc.getData() as { occurredAt?: unknown } | undefined)?.occurredAt, exemplar);
        }
      }),
    );
  }
}
