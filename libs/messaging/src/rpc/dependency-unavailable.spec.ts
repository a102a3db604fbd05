import { describe, expect, it } from 'vitest';
import { isDependencyUnavailable } from './dependency-unavailable.js';
import { toErrorBody } from './rpc-error-body.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDependencyUnavailable', () => {
  it.each([
    ['refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['server shutting down (57P03)', withCode('the database system is shutting down', '57P03')],
    ['session terminated by the administrator (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['connection exception class 08', withCode('connection failure', '08006')],
    ['connection lost mid-query (node-postgres, no code)', new Error('Connection terminated unexpectedly')],
    ['pool could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['wrapped in a cause', new Error('insert failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
  ])('is true for a %s', (_, error) => expect(isDependencyUnavailable(error)).toBe(true));

  it.each([
    ['unique violation', withCode('duplicate key value', '23505')],
    ['plain bug', new TypeError('undefined is not a function')],
    ['non-error', 'ECONNREFUSED'],
  ])('is false for a %s', (_, error) => expect(isDependencyUnavailable(error)).toBe(false));

  it('makes toErrorBody answer COMMON.UNAVAILABLE (still logged as unexpected)', () => {
    expect(toErrorBody(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toEqual({
      body: { code: 'COMMON.UNAVAILABLE', message: 'A dependency is temporarily unavailable' },
      expected: false,
    });
  });

  it('keeps other driver errors (an Error with a string code) behind INTERNAL instead of passing their text on', () => {
    expect(toErrorBody(withCode('duplicate key value violates unique constraint "orders_pkey"', '23505'))).toEqual({
      body: { code: 'COMMON.INTERNAL', message: 'Internal error' },
      expected: false,
    });
  });
});
