// RFC 9457 problem+json is the one error shape of the public API; every refusal is checked against it.
import { expect } from 'vitest';
import type { ApiResponse } from './api-response.js';

/** An answer as the typed client's calls give it (supertest's Response has the same fields). */
type Response = Pick<ApiResponse, 'status' | 'headers' | 'body'> & { request?: ApiResponse['request']; req?: unknown };

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}

// superagent keeps the underlying request on the response at runtime; its types do not declare it.
const requestLine = (res: Response): string => {
  const req = res.request ?? (res.req as { method?: string; path?: string } | undefined);
  return `${req?.method ?? '?'} ${req?.path ?? '?'}`;
};

/** Asserts `res` is a problem+json refusal with this status (and code, when given) and returns its body. */
export function expectProblem(res: Response, status: number, code?: string): ProblemBody {
  const context = `${requestLine(res)} → ${res.status} ${JSON.stringify(res.body)}`;
  expect(res.status, context).toBe(status);
  expect(res.headers['content-type'], context).toMatch(/^application\/problem\+json/);
  const body = res.body as ProblemBody;
  expect(body, context).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.any(String),
    code: code ?? expect.any(String),
  });
  return body;
}

// `items[0].quantity` and `items.0.quantity` name the same field.
const normalizeField = (field: string): string => field.replace(/\[(\w+)\]/g, '.$1');

/** A 400 validation problem whose field errors name `field` (a dotted path for nested fields, e.g. `items.0.quantity`). */
export function expectValidationProblem(res: Response, field: string): ProblemBody {
  const body = expectProblem(res, 400, 'COMMON.VALIDATION_FAILED');
  const context = `${requestLine(res)} errors=${JSON.stringify(body.errors)}`;
  expect(Array.isArray(body.errors), context).toBe(true);
  const named = (body.errors ?? []).filter((e) => normalizeField(e.field) === field);
  expect(named.length, context).toBeGreaterThan(0);
  for (const error of named) expect(error.message, context).toEqual(expect.any(String));
  return body;
}
