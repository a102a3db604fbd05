import { HttpException, HttpStatus } from '@nestjs/common';
import { ApplicationError, ErrorCodes, type ErrorBody, type FieldError } from '@plinth/contracts';
import type { ValidationError } from 'class-validator';
import { driverErrorKind, type DriverErrorKind } from './driver-error-kind.js';
import { isErrorBody } from './rpc-reply.js';

export const INTERNAL_ERROR_BODY: ErrorBody = Object.freeze({ code: ErrorCodes.INTERNAL, message: 'Internal error' });
// Driver errors answered by their class, never with their text (it may quote SQL, values or hosts).
const DRIVER_ERROR_BODIES: Readonly<Record<DriverErrorKind, ErrorBody>> = {
  unavailable: Object.freeze({ code: ErrorCodes.UNAVAILABLE, message: 'A dependency is temporarily unavailable' }),
  'invalid-input': Object.freeze({ code: ErrorCodes.VALIDATION_FAILED, message: 'The request holds a value that cannot be stored' }),
  constraint: Object.freeze({ code: ErrorCodes.CONFLICT, message: 'The request conflicts with the current state of the data' }),
};

/**
 * The reply body for anything a handler (or the pipes in front of it) threw. Only ApplicationError
 * and validation failures say what went wrong; everything else becomes a generic INTERNAL error so
 * no internals leak. `expected` is false when the caller should log the original error.
 */
export function toErrorBody(error: unknown): { body: ErrorBody; expected: boolean } {
  if (error instanceof ApplicationError) return { body: error.toBody(), expected: true };
  if (error instanceof HttpException && error.getStatus() === HttpStatus.BAD_REQUEST) {
    return { body: validationFailed(fieldErrorsOf(error.getResponse())), expected: true };
  }
  // Not expected (the caller logs the real error: a refused value or a conflict means a rule is missing in front
  // of the database), but the client learns whose fault it is — and a driver error never reads as an outage.
  const driverError = driverErrorKind(error);
  if (driverError !== undefined) return { body: DRIVER_ERROR_BODIES[driverError], expected: false };
  // A plain `{ code, message }` object is a body; any other Error with a string `code` is a Node or driver error
  // whose message must not reach the client.
  if (!(error instanceof Error) && isErrorBody(error)) return { body: { code: error.code, message: error.message, details: error.details }, expected: true };
  return { body: INTERNAL_ERROR_BODY, expected: false };
}

const validationFailed = (fieldErrors: FieldError[]): ErrorBody => ({
  code: ErrorCodes.VALIDATION_FAILED,
  message: 'Validation failed',
  details: { fieldErrors },
});

/**
 * For the ValidationPipe's `exceptionFactory`: keeps the exact property path of every failure,
 * which the pipe's own string messages only imply.
 */
export function validationFailedError(errors: ValidationError[]): ApplicationError {
  const fieldErrors: FieldError[] = [];
  const walk = (list: ValidationError[], parent: string): void => {
    for (const error of list) {
      const field = parent ? `${parent}.${error.property}` : error.property;
      for (const message of Object.values(error.constraints ?? {})) fieldErrors.push({ field, message });
      walk(error.children ?? [], field);
    }
  };
  walk(errors, '');
  const body = validationFailed(fieldErrors);
  return new ApplicationError(body.code, body.message, body.details);
}

/**
 * The ValidationPipe's default 400 body: `message` is either grouped (`{ path: [messages] }`) or a
 * list of "path text" strings. The list form loses the boundary between path and text, so the path is
 * taken as the first word (or the name in "property x should not exist").
 */
function fieldErrorsOf(response: string | object): FieldError[] {
  const message = typeof response === 'object' ? (response as { message?: unknown }).message : response;
  if (Array.isArray(message)) return message.map((text) => fieldErrorOf(String(text)));
  if (typeof message === 'object' && message !== null) {
    return Object.entries(message as Record<string, unknown>).flatMap(([field, texts]) =>
      (Array.isArray(texts) ? texts : [texts]).map((text) => ({ field, message: String(text) })));
  }
  return [{ field: '', message: typeof message === 'string' ? message : 'Invalid payload' }];
}

function fieldErrorOf(text: string): FieldError {
  const unknownProperty = /^property (\S+) should not exist$/.exec(text);
  if (unknownProperty) return { field: unknownProperty[1], message: text };
  const space = text.indexOf(' ');
  return { field: space > 0 ? text.slice(0, space) : '', message: text };
}
