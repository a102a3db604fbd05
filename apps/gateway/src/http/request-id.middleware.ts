import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';

// 1..128 visible ASCII characters: enough for any tracing system's ids, safe to log and echo.
const VALID_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The client's id when it is acceptable, otherwise a fresh one: a bad header is replaced, never refused. */
export const acceptOrGenerateRequestId = (candidate: string | string[] | undefined): string =>
  typeof candidate === 'string' && VALID_REQUEST_ID.test(candidate) ? candidate : randomUUID();

/**
 * Runs before everything else (body parsing, logging, routing), so that every log line and every
 * response — errors included — carries the same id. pino-http reuses `req.id` when it is set.
 */
export const requestIdMiddleware = (request: Request, response: Response, next: NextFunction): void => {
  const requestId = acceptOrGenerateRequestId(request.headers[REQUEST_ID_HEADER]);
  (request as Request & { id: string }).id = requestId;
  request.headers[REQUEST_ID_HEADER] = requestId;
  response.setHeader(REQUEST_ID_HEADER, requestId);
  next();
};

export const requestIdOf = (request: Request): string => {
  const id = (request as Request & { id?: unknown }).id;
  return typeof id === 'string' ? id : acceptOrGenerateRequestId(undefined);
};
