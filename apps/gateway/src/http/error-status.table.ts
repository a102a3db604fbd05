import { ErrorCodes } from '@plinth/contracts';

export interface ErrorStatus {
  status: number;
  title: string;
}

// The one place where a stable error code becomes an HTTP status. A code missing here is a 500
// with a generic detail: a service must never be able to choose an HTTP status by inventing codes.
const ERROR_STATUS_TABLE: Readonly<Record<string, ErrorStatus>> = {
  [ErrorCodes.VALIDATION_FAILED]: { status: 400, title: 'Validation failed' },
  [ErrorCodes.INVALID_CURSOR]: { status: 400, title: 'Invalid pagination cursor' },
  [ErrorCodes.AUTH_INVALID_TOKEN]: { status: 400, title: 'Invalid or expired token' },
  [ErrorCodes.UNAUTHENTICATED]: { status: 401, title: 'Authentication required' },
  [ErrorCodes.AUTH_INVALID_CREDENTIALS]: { status: 401, title: 'Invalid credentials' },
  [ErrorCodes.AUTH_INVALID_REFRESH_TOKEN]: { status: 401, title: 'Invalid refresh token' },
  [ErrorCodes.AUTH_SESSION_REVOKED]: { status: 401, title: 'Session revoked' },
  [ErrorCodes.AUTH_SESSION_EXPIRED]: { status: 401, title: 'Session expired' },
  [ErrorCodes.AUTH_MFA_REQUIRED]: { status: 401, title: 'Second factor required' },
  [ErrorCodes.AUTH_INVALID_MFA_CODE]: { status: 401, title: 'Invalid code' },
  [ErrorCodes.FORBIDDEN]: { status: 403, title: 'Forbidden' },
  [ErrorCodes.AUTH_ACCOUNT_DISABLED]: { status: 403, title: 'Account disabled' },
  [ErrorCodes.NOT_FOUND]: { status: 404, title: 'Not found' },
  [ErrorCodes.USERS_NOT_FOUND]: { status: 404, title: 'User not found' },
  [ErrorCodes.ORDERS_NOT_FOUND]: { status: 404, title: 'Order not found' },
  [ErrorCodes.NOTIFICATIONS_NOT_FOUND]: { status: 404, title: 'Notification not found' },
  [ErrorCodes.CATALOG_NOT_FOUND]: { status: 404, title: 'Product not found' },
  [ErrorCodes.CONFLICT]: { status: 409, title: 'Conflict' },
  [ErrorCodes.AUTH_EMAIL_TAKEN]: { status: 409, title: 'Email already registered' },
  [ErrorCodes.ORDERS_ILLEGAL_TRANSITION]: { status: 409, title: 'Illegal order status transition' },
  [ErrorCodes.ORDERS_VERSION_CONFLICT]: { status: 409, title: 'Order version conflict' },
  [ErrorCodes.ORDERS_IDEMPOTENCY_MISMATCH]: { status: 422, title: 'Idempotency key reused with a different request' },
  [ErrorCodes.ORDERS_PRICE_CHANGED]: { status: 409, title: 'Price changed' },
  [ErrorCodes.ORDERS_UNKNOWN_PRODUCT]: { status: 422, title: 'Unknown product' },
  [ErrorCodes.ORDERS_CURRENCY_MISMATCH]: { status: 422, title: 'Product not sold in the order\'s currency' },
  [ErrorCodes.CATALOG_SKU_TAKEN]: { status: 409, title: 'Product exists already' },
  [ErrorCodes.CATALOG_STOCK_BELOW_RESERVED]: { status: 409, title: 'Stock cannot go below the reserved units' },
  [ErrorCodes.CATALOG_VERSION_CONFLICT]: { status: 412, title: 'Product changed since the given version' },
  [ErrorCodes.RATE_LIMITED]: { status: 429, title: 'Too many requests' },
  [ErrorCodes.INTERNAL]: { status: 500, title: 'Internal error' },
  [ErrorCodes.UNKNOWN_PATTERN]: { status: 500, title: 'Internal error' },
  [ErrorCodes.UNAVAILABLE]: { status: 503, title: 'Service unavailable' },
  [ErrorCodes.TIMEOUT]: { status: 504, title: 'Upstream timeout' },
};

// Refusals made by the HTTP edge itself (Node's parser, routing, body parsing, media type); they never travel over RPC.
export const HttpOnlyCodes = {
  MALFORMED_REQUEST: 'HTTP.MALFORMED_REQUEST',
  METHOD_NOT_ALLOWED: 'HTTP.METHOD_NOT_ALLOWED',
  REQUEST_TIMEOUT: 'HTTP.REQUEST_TIMEOUT',
  PAYLOAD_TOO_LARGE: 'HTTP.PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
  EXPECTATION_FAILED: 'HTTP.EXPECTATION_FAILED',
  HEADERS_TOO_LARGE: 'HTTP.HEADERS_TOO_LARGE',
} as const;

const HTTP_ONLY_STATUS_TABLE: Readonly<Record<string, ErrorStatus>> = {
  [HttpOnlyCodes.MALFORMED_REQUEST]: { status: 400, title: 'Malformed request' },
  [HttpOnlyCodes.METHOD_NOT_ALLOWED]: { status: 405, title: 'Method not allowed' },
  [HttpOnlyCodes.REQUEST_TIMEOUT]: { status: 408, title: 'Request timeout' },
  [HttpOnlyCodes.PAYLOAD_TOO_LARGE]: { status: 413, title: 'Payload too large' },
  [HttpOnlyCodes.UNSUPPORTED_MEDIA_TYPE]: { status: 415, title: 'Unsupported media type' },
  [HttpOnlyCodes.EXPECTATION_FAILED]: { status: 417, title: 'Expectation failed' },
  [HttpOnlyCodes.HEADERS_TOO_LARGE]: { status: 431, title: 'Request header fields too large' },
};

const FALLBACK: ErrorStatus = ERROR_STATUS_TABLE[ErrorCodes.INTERNAL];

export const statusOfCode = (code: string): ErrorStatus =>
  ERROR_STATUS_TABLE[code] ?? HTTP_ONLY_STATUS_TABLE[code] ?? FALLBACK;

/** Every code the table knows, for the spec that proves each maps and for the OpenAPI error catalogue. */
export const mappedErrorCodes = (): string[] => [...Object.keys(ERROR_STATUS_TABLE), ...Object.keys(HTTP_ONLY_STATUS_TABLE)];
