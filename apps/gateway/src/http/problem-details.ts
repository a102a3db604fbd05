import type { FieldError } from '@plinth/contracts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

// Problem types are documented per code; the URI is stable because codes are never reused.
const PROBLEM_TYPE_BASE = 'https://plinth.dev/problems/';

export interface ChangedPrice {
  sku: string;
  requestedUnitPrice: number;
  currentUnitPrice: number;
}

/** RFC 9457 problem details, extended with the stable error code and the request id. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
  /** ORDERS.PRICE_CHANGED only: each refused line with the price it asserted and the current one. */
  details?: { lines: ChangedPrice[] };
  /** AUTH.MFA_REQUIRED only: the token for POST /v1/auth/login/mfa. */
  mfaToken?: string;
}

export const problemTypeOf = (code: string): string => PROBLEM_TYPE_BASE + code.toLowerCase().replace(/[._]/g, '-');
