import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { OPERATIONAL_PATHS } from '@plinth/service-bootstrap';

/**
 * Sheds load instead of queueing it: past `maxInFlight` requests in progress, a new one is answered
 * 503 (with Retry-After, by the problem filter) at once, so a flood or a stalled dependency cannot
 * pile up unbounded work and memory. A request leaves the count when its response ends or its
 * connection closes. Event streams are long-lived by design and bounded per user elsewhere, so they
 * are not counted; nor are the orchestrator's probes and the metrics scrape.
 */
const isEventStream = (request: Request): boolean => (request.headers.accept ?? '').includes('text/event-stream');

export const loadSheddingMiddleware = (maxInFlight: number): RequestHandler => {
  let inFlight = 0;
  return (request: Request, response: Response, next: NextFunction): void => {
    // A saturated replica is alive: a failing liveness probe would get it restarted and make things worse.
    if (isEventStream(request) || OPERATIONAL_PATHS.has(request.path)) {
      next();
      return;
    }
    if (inFlight >= maxInFlight) {
      next(new ApplicationError(ErrorCodes.UNAVAILABLE, 'The service is busy; retry later.'));
      return;
    }
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
    });
    next();
  };
};
