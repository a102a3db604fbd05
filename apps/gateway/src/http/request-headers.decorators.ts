import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiHeaderOptions } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';

const invalidHeader = (header: string, message: string): ApplicationError =>
  new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', { fieldErrors: [{ field: header, message }] });

const headerOf = (context: ExecutionContext, name: string): string | undefined =>
  context.switchToHttp().getRequest<Request>().header(name);

// ETags are the quoted order version; a weak or bare number is accepted too, `*` means "any version".
const VERSION_ETAG = /^(?:W\/)?"?([1-9]\d{0,9})"?$/;

/** The OpenAPI description of `If-Match`, from the same pattern the parser applies. */
export const IF_MATCH_HEADER: ApiHeaderOptions = {
  name: 'If-Match',
  required: false,
  description: 'ETag of the order as last seen, e.g. "3" (weak or unquoted accepted; `*` = any version); the change is refused with 409 if the order changed since',
  schema: { type: 'string', pattern: `^(?:\\*|${VERSION_ETAG.source.slice(1, -1)})$`, example: '"1"' },
};

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

export const IDEMPOTENCY_KEY_HEADER: ApiHeaderOptions = {
  name: 'Idempotency-Key',
  required: false,
  description: '1..128 visible ASCII characters, unique per intended order. A retry with the same key and body within 24 hours (orders\' IDEMPOTENCY_KEY_TTL_HOURS) replays the first order; after that the key is free again and creates a new order.',
  schema: { type: 'string', minLength: 1, maxLength: 128, pattern: IDEMPOTENCY_KEY.source, example: 'order-2026-12-02-0001' },
};

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
