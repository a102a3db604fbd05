import type { NextFunction, Request, Response } from 'express';
import { ApplicationError } from '@plinth/contracts';
import { HttpOnlyCodes } from './error-status.table.js';

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

const hasBody = (request: Request): boolean =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

/**
 * The API speaks JSON only: a request that carries a body of another media type is refused with 415
 * instead of being silently ignored by the JSON parser and then failing validation as "empty".
 */
export const jsonBodyOnlyMiddleware = (request: Request, _response: Response, next: NextFunction): void => {
  const mediaType = (request.headers['content-type'] ?? '').split(';', 1)[0].trim();
  if (hasBody(request) && !JSON_MEDIA_TYPE.test(mediaType)) {
    next(new ApplicationError(HttpOnlyCodes.UNSUPPORTED_MEDIA_TYPE, 'The request body must be application/json.'));
    return;
  }
  next();
};
