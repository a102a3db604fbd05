import { Injectable } from '@nestjs/common';
import { RpcClient } from '@plinth/messaging';
import { currentRequestContext } from './request-context.js';
import { REQUEST_ID_HEADER } from './request-id.middleware.js';

/**
 * What controllers use to call services: RpcClient, plus the caller's x-request-id as an AMQP header
 * so that one id ties the gateway's log lines to the services' for the same client request.
 */
@Injectable()
export class ServiceClient {
  constructor(private readonly rpc: RpcClient) {}

  send<TResult>(pattern: string, payload: object): Promise<TResult> {
    const requestId = currentRequestContext()?.requestId;
    return this.rpc.send<TResult>(pattern, payload, requestId === undefined ? undefined : { headers: { [REQUEST_ID_HEADER]: requestId } });
  }
}
