import type { ErrorCode } from './error-codes.js';

export interface FieldError {
  field: string;
  message: string;
}

/** The body of an RPC error reply: what crosses the wire when a use case refuses a request. */
export interface ErrorBody {
  code: ErrorCode | string;
  message: string;
  details?: { fieldErrors?: FieldError[] } & Record<string, unknown>;
}

/**
 * A refusal with a stable code. Services throw it; the messaging layer sends it as a typed error
 * reply; the gateway maps the code to an HTTP status. It never carries stack traces over the wire.
 */
export class ApplicationError extends Error {
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: ErrorBody['details'],
  ) {
    super(message);
    this.name = 'ApplicationError';
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
