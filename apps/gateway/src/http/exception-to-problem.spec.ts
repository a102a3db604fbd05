import { BadRequestException, HttpException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { describe, expect, it } from 'vitest';
import { HttpOnlyCodes, mappedErrorCodes } from './error-status.table.js';
import { exceptionToProblem, retryAfterSecondsOf } from './exception-to-problem.js';

const context = { instance: '/v1/orders', requestId: 'req-1' };
const problemOf = (exception: unknown) => exceptionToProblem(exception, context);

describe('exceptionToProblem: every error code has exactly one status', () => {
  it.each([
    [ErrorCodes.VALIDATION_FAILED, 400],
    [ErrorCodes.UNAUTHENTICATED, 401],
    [ErrorCodes.AUTH_INVALID_CREDENTIALS, 401],
    [ErrorCodes.AUTH_INVALID_REFRESH_TOKEN, 401],
    [ErrorCodes.AUTH_SESSION_REVOKED, 401],
    [ErrorCodes.FORBIDDEN, 403],
    [ErrorCodes.NOT_FOUND, 404],
    [ErrorCodes.USERS_NOT_FOUND, 404],
    [ErrorCodes.ORDERS_NOT_FOUND, 404],
    [ErrorCodes.NOTIFICATIONS_NOT_FOUND, 404],
    [ErrorCodes.CONFLICT, 409],
    [ErrorCodes.AUTH_EMAIL_TAKEN, 409],
    [ErrorCodes.ORDERS_ILLEGAL_TRANSITION, 409],
    [ErrorCodes.ORDERS_VERSION_CONFLICT, 409],
    [ErrorCodes.ORDERS_IDEMPOTENCY_MISMATCH, 422],
    [ErrorCodes.RATE_LIMITED, 429],
    [HttpOnlyCodes.METHOD_NOT_ALLOWED, 405],
    [HttpOnlyCodes.PAYLOAD_TOO_LARGE, 413],
    [HttpOnlyCodes.UNSUPPORTED_MEDIA_TYPE, 415],
  ])('maps %s to %i and passes the refusal message through as detail', (code, status) => {
    const problem = problemOf(new ApplicationError(code, 'What the service said.'));
    expect(problem).toEqual({
      type: expect.stringMatching(/^https:\/\/plinth\.dev\/problems\/[a-z-]+$/),
      title: expect.any(String),
      status,
      detail: 'What the service said.',
      instance: '/v1/orders',
      code,
      requestId: 'req-1',
    });
  });

  it.each([
    [ErrorCodes.UNAVAILABLE, 503],
    [ErrorCodes.TIMEOUT, 504],
  ])('maps %s to %i with a generic detail that names no service', (code, status) => {
    const problem = problemOf(new ApplicationError(code, 'No reply to orders.create within 5000 ms from rabbit-0.internal'));
    expect(problem).toMatchObject({ status, code });
    expect(problem.detail).not.toMatch(/orders|rabbit|5000/);
  });

  it.each([ErrorCodes.INTERNAL, ErrorCodes.UNKNOWN_PATTERN, 'PAYMENTS.SOMETHING_NEW'])(
    'maps %s to 500 INTERNAL with a generic detail',
    (code) => {
      const problem = problemOf(new ApplicationError(code, 'relation "orders" does not exist at db-1:5432'));
      expect(problem).toMatchObject({ status: 500, code: ErrorCodes.INTERNAL, title: 'Internal error' });
      expect(problem.detail).not.toMatch(/relation|db-1|orders/);
    },
  );

  it('covers every code of the contracts in the table', () => {
    expect(mappedErrorCodes()).toEqual(expect.arrayContaining(Object.values(ErrorCodes)));
  });

  it('gives each code its own problem type URI', () => {
    const types = mappedErrorCodes().map((code) => problemOf(new ApplicationError(code, 'x')).type);
    const nonInternal = types.filter((type) => !type.endsWith('common-internal'));
    expect(new Set(nonInternal).size).toBe(nonInternal.length);
  });
});

describe('exceptionToProblem: field errors', () => {
  it('lists the field errors of a validation failure', () => {
    const error = new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'Validation failed', {
      fieldErrors: [{ field: 'items.0.quantity', message: 'quantity must not be less than 1' }],
    });
    expect(problemOf(error).errors).toEqual([{ field: 'items.0.quantity', message: 'quantity must not be less than 1' }]);
  });

  it('derives field errors from the ValidationPipe\'s default messages', () => {
    const problem = problemOf(new BadRequestException([
      'limit must not be greater than 100',
      'property roles should not exist',
      'items.0.quantity must not be less than 1',
      'items.0.property discount should not exist',
    ]));
    expect(problem).toMatchObject({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    expect(problem.errors).toEqual([
      { field: 'limit', message: 'limit must not be greater than 100' },
      { field: 'roles', message: 'property roles should not exist' },
      { field: 'items.0.quantity', message: 'items.0.quantity must not be less than 1' },
      { field: 'items.0.discount', message: 'property discount should not exist' },
    ]);
  });

  it('omits errors on anything but a validation failure', () => {
    expect(problemOf(new ApplicationError(ErrorCodes.ORDERS_NOT_FOUND, 'Order not found'))).not.toHaveProperty('errors');
  });

  it('copies ORDERS.PRICE_CHANGED\'s changed lines, field by field, and nothing else of its details', () => {
    const lines = [{ sku: 'SKU-1', requestedUnitPrice: 1200, currentUnitPrice: 1250, cost: 700 }, { sku: 'SKU-2', requestedUnitPrice: 'x', currentUnitPrice: 99 }];
    const problem = problemOf(new ApplicationError(ErrorCodes.ORDERS_PRICE_CHANGED, 'The price changed: SKU-1 costs 1250 now, not 1200', { lines, sql: 'SELECT' }));
    expect(problem).toMatchObject({ status: 409, code: ErrorCodes.ORDERS_PRICE_CHANGED });
    expect(problem.details).toStrictEqual({ lines: [{ sku: 'SKU-1', requestedUnitPrice: 1200, currentUnitPrice: 1250 }] });
    expect(JSON.stringify(problem)).not.toContain('SELECT');
  });

  it('gives no other code a details member, whatever its details hold', () => {
    const problem = problemOf(new ApplicationError(ErrorCodes.CONFLICT, 'Conflict', { lines: [{ sku: 'A', requestedUnitPrice: 1, currentUnitPrice: 2 }] }));
    expect(problem).not.toHaveProperty('details');
  });

  it('never copies details other than field errors', () => {
    const problem = problemOf(new ApplicationError(ErrorCodes.CONFLICT, 'Conflict', { sql: 'UPDATE orders …' }));
    expect(JSON.stringify(problem)).not.toContain('UPDATE');
  });
});

describe('exceptionToProblem: HTTP-level failures', () => {
  it('maps a malformed JSON body to 400 without the parser\'s message', () => {
    const problem = problemOf(new BadRequestException('Unexpected token } in JSON at position 9', { cause: new SyntaxError('x') }));
    expect(problem).toMatchObject({ status: 400, code: ErrorCodes.VALIDATION_FAILED, detail: 'The request body is not valid JSON.' });
  });

  it('maps an oversized body (body-parser 413) to PAYLOAD_TOO_LARGE', () => {
    expect(problemOf(new HttpException('request entity too large', 413))).toMatchObject({ status: 413, code: HttpOnlyCodes.PAYLOAD_TOO_LARGE });
  });

  it('maps an unknown route to 404 NOT_FOUND', () => {
    expect(problemOf(new NotFoundException('Cannot GET /v1/nope'))).toMatchObject({ status: 404, code: ErrorCodes.NOT_FOUND });
  });

  it('maps a throttled request to 429 RATE_LIMITED', () => {
    expect(problemOf(new ThrottlerException())).toMatchObject({ status: 429, code: ErrorCodes.RATE_LIMITED });
  });

  it('maps an UnauthorizedException to 401 UNAUTHENTICATED', () => {
    expect(problemOf(new UnauthorizedException())).toMatchObject({ status: 401, code: ErrorCodes.UNAUTHENTICATED });
  });

  it('maps an unexpected error to 500 without its message or stack', () => {
    const problem = problemOf(new TypeError('Cannot read properties of undefined (reading \'id\') at /app/dist/orders.js:12'));
    expect(problem).toMatchObject({ status: 500, code: ErrorCodes.INTERNAL });
    expect(JSON.stringify(problem)).not.toMatch(/Cannot read|dist|\.js/);
  });
});

describe('retryAfterSecondsOf', () => {
  it('reads a service\'s retryAfterSeconds on COMMON.RATE_LIMITED only, and only a sane whole number of seconds', () => {
    const rateLimited = (details: Record<string, unknown>) => new ApplicationError(ErrorCodes.RATE_LIMITED, 'Too many wrong codes', details);
    expect(retryAfterSecondsOf(rateLimited({ retryAfterSeconds: 900 }))).toBe(900);
    for (const retryAfterSeconds of [0, -1, 1.5, '900', 86_401, undefined]) expect(retryAfterSecondsOf(rateLimited({ retryAfterSeconds }))).toBeUndefined();
    expect(retryAfterSecondsOf(new ApplicationError(ErrorCodes.CONFLICT, 'Conflict', { retryAfterSeconds: 5 }))).toBeUndefined();
    expect(retryAfterSecondsOf(new Error('boom'))).toBeUndefined();
  });
});
