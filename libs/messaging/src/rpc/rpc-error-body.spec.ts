import { BadRequestException } from '@nestjs/common';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import type { ValidationError } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { toErrorBody, validationFailedError } from './rpc-error-body.js';

describe('toErrorBody', () => {
  it('passes an ApplicationError through with code, message and details', () => {
    expect(toErrorBody(new ApplicationError(ErrorCodes.ORDERS_NOT_FOUND, 'No such order', { orderId: 'o1' })))
      .toEqual({ body: { code: 'ORDERS.NOT_FOUND', message: 'No such order', details: { orderId: 'o1' } }, expected: true });
  });

  it('hides any other error behind a generic INTERNAL body and flags it for logging', () => {
    expect(toErrorBody(new Error('connection string postgres://secret'))).toEqual({
      body: { code: ErrorCodes.INTERNAL, message: 'Internal error' }, expected: false,
    });
  });

  it('maps the ValidationPipe list format to field errors', () => {
    const error = new BadRequestException(['items.0.quantity must not be less than 1', 'property extra should not exist']);
    expect(toErrorBody(error).body).toEqual({
      code: ErrorCodes.VALIDATION_FAILED,
      message: 'Validation failed',
      details: { fieldErrors: [
        { field: 'items.0.quantity', message: 'items.0.quantity must not be less than 1' },
        { field: 'extra', message: 'property extra should not exist' },
      ] },
    });
  });

  it('maps the ValidationPipe grouped format to field errors', () => {
    const error = new BadRequestException({ message: { currency: ['currency must match /^[A-Z]{3}$/'] }, error: 'Bad Request', statusCode: 400 });
    expect(toErrorBody(error).body.details).toEqual({ fieldErrors: [{ field: 'currency', message: 'currency must match /^[A-Z]{3}$/' }] });
  });
});

describe('validationFailedError', () => {
  it('keeps the full property path of nested failures', () => {
    const errors: ValidationError[] = [{
      property: 'items',
      children: [{ property: '0', children: [{ property: 'quantity', constraints: { min: 'quantity must not be less than 1' }, children: [] }] }],
    }];
    const error = validationFailedError(errors);
    expect(error).toBeInstanceOf(ApplicationError);
    expect(error.toBody()).toEqual({
      code: ErrorCodes.VALIDATION_FAILED,
      message: 'Validation failed',
      details: { fieldErrors: [{ field: 'items.0.quantity', message: 'quantity must not be less than 1' }] },
    });
  });
});
