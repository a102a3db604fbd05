// Stable error codes that travel in RPC error replies and surface in problem+json `code`.
// A code, once shipped, is never reused for another meaning.
export const ErrorCodes = {
  VALIDATION_FAILED: 'COMMON.VALIDATION_FAILED',
  INVALID_CURSOR: 'COMMON.INVALID_CURSOR',
  NOT_FOUND: 'COMMON.NOT_FOUND',
  UNAUTHENTICATED: 'COMMON.UNAUTHENTICATED',
  FORBIDDEN: 'COMMON.FORBIDDEN',
  CONFLICT: 'COMMON.CONFLICT',
  RATE_LIMITED: 'COMMON.RATE_LIMITED',
  INTERNAL: 'COMMON.INTERNAL',
  TIMEOUT: 'COMMON.TIMEOUT',
  UNAVAILABLE: 'COMMON.UNAVAILABLE',
  UNKNOWN_PATTERN: 'COMMON.UNKNOWN_PATTERN',
  AUTH_EMAIL_TAKEN: 'AUTH.EMAIL_TAKEN',
  AUTH_INVALID_CREDENTIALS: 'AUTH.INVALID_CREDENTIALS',
  AUTH_INVALID_REFRESH_TOKEN: 'AUTH.INVALID_REFRESH_TOKEN',
  AUTH_SESSION_REVOKED: 'AUTH.SESSION_REVOKED',
  AUTH_SESSION_EXPIRED: 'AUTH.SESSION_EXPIRED',
  /** A verification or reset token that is unknown, used, superseded or expired (which one is not revealed). */
  AUTH_INVALID_TOKEN: 'AUTH.INVALID_TOKEN',
  /** Only after the right password: an administrator disabled the account. */
  AUTH_ACCOUNT_DISABLED: 'AUTH.ACCOUNT_DISABLED',
  /** The password was right and the account has a second factor: the problem carries `mfaToken` for POST /v1/auth/login/mfa. */
  AUTH_MFA_REQUIRED: 'AUTH.MFA_REQUIRED',
  /** A TOTP or recovery code that is wrong, already used (replay) or for a factor that is not there. */
  AUTH_INVALID_MFA_CODE: 'AUTH.INVALID_MFA_CODE',
  USERS_NOT_FOUND: 'USERS.NOT_FOUND',
  ORDERS_NOT_FOUND: 'ORDERS.NOT_FOUND',
  ORDERS_ILLEGAL_TRANSITION: 'ORDERS.ILLEGAL_TRANSITION',
  ORDERS_VERSION_CONFLICT: 'ORDERS.VERSION_CONFLICT',
  ORDERS_IDEMPOTENCY_MISMATCH: 'ORDERS.IDEMPOTENCY_MISMATCH',
  NOTIFICATIONS_NOT_FOUND: 'NOTIFICATIONS.NOT_FOUND',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
