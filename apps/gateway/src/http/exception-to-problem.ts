import { HttpException, HttpStatus } from '@nestjs/common';
import { ApplicationError, ErrorCodes, type FieldError } from '@plinth/contracts';
import { HttpOnlyCodes, statusOfCode } from './error-status.table.js';
import { problemTypeOf, type ChangedPrice, type ProblemDetails } from './problem-details.js';

interface ClassifiedError {
  code: string;
  message: string;
  fieldErrors?: FieldError[];
  mfaToken?: string;
  changedPrices?: ChangedPrice[];
}

// The one problem that carries a value for the next step: AUTH.MFA_REQUIRED's token for POST /v1/auth/login/mfa.
const mfaTokenOf = (error: ApplicationError): string | undefined => {
  const token = error.details?.mfaToken;
  return error.code === ErrorCodes.AUTH_MFA_REQUIRED && typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
};

// ORDERS.PRICE_CHANGED carries the current prices so a client can show them; copied field by field, typed, so
// nothing else a service put in `details` reaches the client.
const changedPricesOf = (error: ApplicationError): ChangedPrice[] | undefined => {
  const lines = error.details?.lines;
  if (error.code !== ErrorCodes.ORDERS_PRICE_CHANGED || !Array.isArray(lines)) return undefined;
  return lines.flatMap((line: unknown) => {
    const { sku, requestedUnitPrice, currentUnitPrice } = (line ?? {}) as Record<string, unknown>;
    return typeof sku === 'string' && Number.isInteger(requestedUnitPrice) && Number.isInteger(currentUnitPrice)
      ? [{ sku, requestedUnitPrice: requestedUnitPrice as number, currentUnitPrice: currentUnitPrice as number }]
      : [];
  });
};

// Nest and Express signal edge-level refusals with an HTTP status only; this gives each a stable code.
const CODE_OF_HTTP_STATUS: Readonly<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCodes.VALIDATION_FAILED,
  [HttpStatus.UNAUTHORIZED]: ErrorCodes.UNAUTHENTICATED,
  [HttpStatus.FORBIDDEN]: ErrorCodes.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ErrorCodes.NOT_FOUND,
  [HttpStatus.METHOD_NOT_ALLOWED]: HttpOnlyCodes.METHOD_NOT_ALLOWED,
  [HttpStatus.CONFLICT]: ErrorCodes.CONFLICT,
  [HttpStatus.PAYLOAD_TOO_LARGE]: HttpOnlyCodes.PAYLOAD_TOO_LARGE,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: HttpOnlyCodes.UNSUPPORTED_MEDIA_TYPE,
  [HttpStatus.TOO_MANY_REQUESTS]: ErrorCodes.RATE_LIMITED,
  [HttpStatus.SERVICE_UNAVAILABLE]: ErrorCodes.UNAVAILABLE,
  [HttpStatus.GATEWAY_TIMEOUT]: ErrorCodes.TIMEOUT,
};

// Server-side failures get a fixed sentence: the original message may name a service, a host or a query.
const GENERIC_DETAIL: Readonly<Record<number, string>> = {
  500: 'An unexpected error occurred. Quote the requestId when reporting it.',
  503: 'The service is temporarily unavailable. Retry later.',
  504: 'The request took too long to complete. Retry later.',
};

const fieldErrorsOf = (error: ApplicationError): FieldError[] | undefined => {
  const fieldErrors = error.details?.fieldErrors;
  return Array.isArray(fieldErrors) ? fieldErrors.map(({ field, message }) => ({ field, message })) : undefined;
};

// Nest's ValidationPipe (as the bootstrap installs it) reports "items.0.quantity must not be less than 1",
// "property roles should not exist" or, nested, "items.0.property discount should not exist": the path is
// the first word, with the name after "property" for unknown properties.
const UNKNOWN_PROPERTY = /^((?:[^\s.]+\.)*)property (\S+) should not exist$/;

const fieldErrorOfMessage = (message: string): FieldError => {
  const unknownProperty = UNKNOWN_PROPERTY.exec(message);
  if (unknownProperty) return { field: unknownProperty[1] + unknownProperty[2], message: `property ${unknownProperty[2]} should not exist` };
  return { field: message.split(' ', 1)[0], message };
};

const classifyHttpException = (exception: HttpException): ClassifiedError => {
  const code = CODE_OF_HTTP_STATUS[exception.getStatus()] ?? ErrorCodes.INTERNAL;
  const response = exception.getResponse();
  const message = typeof response === 'object' && response !== null && 'message' in response ? response.message : response;
  if (Array.isArray(message)) {
    return { code, message: 'The request is invalid.', fieldErrors: message.map(String).map(fieldErrorOfMessage) };
  }
  return { code, message: typeof message === 'string' ? message : exception.message };
};

const isSyntaxErrorFromBodyParser = (exception: HttpException): boolean =>
  exception.getStatus() === HttpStatus.BAD_REQUEST && exception.cause instanceof SyntaxError;

const classify = (exception: unknown): ClassifiedError => {
  if (exception instanceof ApplicationError) {
    return { code: exception.code, message: exception.message, fieldErrors: fieldErrorsOf(exception), mfaToken: mfaTokenOf(exception), changedPrices: changedPricesOf(exception) };
  }
  if (exception instanceof HttpException) {
    if (isSyntaxErrorFromBodyParser(exception)) return { code: ErrorCodes.VALIDATION_FAILED, message: 'The request body is not valid JSON.' };
    return classifyHttpException(exception);
  }
  return { code: ErrorCodes.INTERNAL, message: '' };
};

/**
 * Seconds until a refused request may succeed, when the service says (COMMON.RATE_LIMITED with retryAfterSeconds, e.g.
 * a locked second factor), for the Retry-After header; undefined otherwise.
 */
export const retryAfterSecondsOf = (exception: unknown): number | undefined => {
  if (!(exception instanceof ApplicationError) || exception.code !== ErrorCodes.RATE_LIMITED) return undefined;
  const seconds = exception.details?.retryAfterSeconds;
  return Number.isInteger(seconds) && (seconds as number) >= 1 && (seconds as number) <= 86_400 ? (seconds as number) : undefined;
};

/** Turns anything thrown while serving a request into problem details that are safe to show a client. */
export const exceptionToProblem = (exception: unknown, context: { instance: string; requestId: string }): ProblemDetails => {
  const { code, message, fieldErrors, mfaToken, changedPrices } = classify(exception);
  const { status, title } = statusOfCode(code);
  const serverSide = status >= 500;
  // Every 500 looks the same from outside, whatever code (or no code) caused it.
  const publicCode = status === 500 ? ErrorCodes.INTERNAL : code;
  const problem: ProblemDetails = {
    type: problemTypeOf(publicCode),
    title,
    status,
    detail: serverSide ? (GENERIC_DETAIL[status] ?? GENERIC_DETAIL[500]) : message || title,
    instance: context.instance,
    code: publicCode,
    requestId: context.requestId,
  };
  if (!serverSide && fieldErrors?.length) problem.errors = fieldErrors;
  if (mfaToken) problem.mfaToken = mfaToken;
  if (changedPrices?.length) problem.details = { lines: changedPrices };
  return problem;
};
