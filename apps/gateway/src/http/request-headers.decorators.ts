import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';

const invalidHeader = (header: string, message: string): ApplicationError =>
  new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', { fieldErrors: [{ field: header, message }] });

const headerOf = (context: ExecutionContext, name: string): string | undefined =>
  context.switchToHttp().getRequest<Request>().header(name);

// ETags are the quoted order version; a weak or bare number is accepted too, `*` means "any version".
const VERSION_ETAG = /^(?:W\/)?"?([1-9]\d{0,9})"?$/;

export const parseIfMatch = (value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === '*') return undefined;
  const match = VERSION_ETAG.exec(value.trim());
  if (!match) throw invalidHeader('If-Match', 'If-Match must be the ETag of the resource, e.g. "3"');
  return Number(match[1]);
};

/** `If-Match: "<version>"` as the expected version for optimistic locking; undefined when absent. */
export const IfMatchVersion = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  parseIfMatch(headerOf(context, 'if-match')),
);

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export const parseIdempotencyKey = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(value)) throw invalidHeader('Idempotency-Key', 'Idempotency-Key must be 1 to 128 visible ASCII characters');
  return value;
};

/** The optional `Idempotency-Key` of a create request. */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  parseIdempotencyKey(headerOf(context, 'idempotency-key')),
);

/** `ETag` value for a resource version. */
export const etagOf = (version: number): string => `"${version}"`;
