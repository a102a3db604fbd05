import type { NextFunction, Request, Response } from 'express';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';

// Keys that reach an object's prototype when a value is merged or assigned naively somewhere downstream.
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The dotted path of the first prototype key in a parsed JSON value, if any (depth is bounded by the parser). */
export const findPrototypeKey = (value: unknown, path = ''): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of Object.keys(value)) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    if (PROTOTYPE_KEYS.has(key)) return keyPath;
    const found = findPrototypeKey((value as Record<string, unknown>)[key], keyPath);
    if (found !== undefined) return found;
  }
  return undefined;
};

/**
 * Part of JSON body parsing: a body naming `__proto__`, `constructor` or `prototype` anywhere is refused (400)
 * instead of being handed on — JSON.parse makes them own properties that class-transformer then drops silently.
 */
export const rejectPrototypeKeysMiddleware = (request: Request, _response: Response, next: NextFunction): void => {
  const field = findPrototypeKey(request.body);
  if (field === undefined) {
    next();
    return;
  }
  const name = field.slice(field.lastIndexOf('.') + 1);
  next(new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', {
    fieldErrors: [{ field, message: `property ${name} should not exist` }],
  }));
};
