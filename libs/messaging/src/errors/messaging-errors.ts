import { ApplicationError, ErrorCodes, type ErrorBody } from '@plinth/contracts';

/** The remote service refused the request: carries the reply's code/message/details unchanged. */
export class RemoteError extends ApplicationError {
  constructor(body: ErrorBody) {
    super(body.code, body.message, body.details);
    this.name = 'RemoteError';
  }
}

/** No reply within the call's timeout; a reply arriving later is dropped. */
export class RpcTimeoutError extends ApplicationError {
  constructor(pattern: string, timeoutMs: number) {
    super(ErrorCodes.TIMEOUT, `No reply to ${pattern} within ${timeoutMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}

/** The broker cannot take the message now (disconnected, channel lost, nack, confirm overdue). */
export class BrokerUnavailableError extends ApplicationError {
  constructor(reason: string) {
    super(ErrorCodes.UNAVAILABLE, `Message broker unavailable: ${reason}`);
    this.name = 'BrokerUnavailableError';
  }
}
