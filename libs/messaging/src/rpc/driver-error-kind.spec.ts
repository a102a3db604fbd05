import { describe, expect, it } from 'vitest';
import { driverErrorKind } from './driver-error-kind.js';
import { toErrorBody } from './rpc-error-body.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('driverErrorKind', () => {
  it.each([
    ['refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['server shutting down (57P03)', withCode('the database system is shutting down', '57P03')],
    ['session terminated by the administrator (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['connection exception class 08', withCode('connection failure', '08006')],
    ['connection lost mid-query (node-postgres, no code)', new Error('Connection terminated unexpectedly')],
    ['pool could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['wrapped in a cause', new Error('insert failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
  ])('is unavailable for a %s', (_, error) => expect(driverErrorKind(error)).toBe('unavailable'));

  it.each([
    ['NUL in text (22021)', withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021')],
    ['NUL in a node-postgres parameter (08P01, class 08 but no outage)', withCode('invalid message format', '08P01')],
    ['a date out of range (22008)', withCode('date/time field value out of range: "0000-01-01"', '22008')],
    ['a numeric overflow (22003)', withCode('value out of range for type integer', '22003')],
    ['an invalid UUID text (22P02)', withCode('invalid input syntax for type uuid: "x"', '22P02')],
    ['a data exception wrapped by the ORM', new Error('select failed', { cause: withCode('invalid byte sequence', '22021') })],
  ])('is invalid-input for %s', (_, error) => expect(driverErrorKind(error)).toBe('invalid-input'));

  it.each([
    ['unique violation (23505)', withCode('duplicate key value', '23505')],
    ['foreign key violation (23503)', withCode('insert or update violates foreign key constraint', '23503')],
    ['check violation (23514)', withCode('new row violates check constraint', '23514')],
  ])('is constraint for a %s', (_, error) => expect(driverErrorKind(error)).toBe('constraint'));

  it.each([
    ['plain bug', new TypeError('undefined is not a function')],
    ['syntax error in SQL (42601: our bug, not the request)', withCode('syntax error at or near "x"', '42601')],
    ['Node error code', withCode('bad argument', 'ERR_INVALID_ARG_TYPE')],
    ['non-error', 'ECONNREFUSED'],
  ])('is undefined for a %s', (_, error) => expect(driverErrorKind(error)).toBeUndefined());
});

describe('toErrorBody of driver errors (always logged as unexpected, never passing the driver text on)', () => {
  it.each([
    ['an unreachable database', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'COMMON.UNAVAILABLE', 'A dependency is temporarily unavailable'],
    ['a refused value', withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021'), 'COMMON.VALIDATION_FAILED', 'The request holds a value that cannot be stored'],
    ['a constraint', withCode('duplicate key value violates unique constraint "orders_pkey"', '23505'), 'COMMON.CONFLICT', 'The request conflicts with the current state of the data'],
    ['an unclassified driver error', withCode('relation "orders" does not exist', '42P01'), 'COMMON.INTERNAL', 'Internal error'],
  ])('answers %s with %s', (_, error, code, message) => {
    expect(toErrorBody(error)).toEqual({ body: { code, message }, expected: false });
  });
});
