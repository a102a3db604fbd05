import { Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_HEADER } from '@plinth/contracts';
import { RpcClient } from '@plinth/messaging';
import type { AuthenticatedCaller } from '../access/authenticated-caller.js';
import { currentRequestContext, type RequestContext } from './request-context.js';
import { REQUEST_ID_HEADER } from './request-id.middleware.js';

/**
 * What controllers use to call services: RpcClient, plus AMQP headers from the HTTP request being
 * served: its x-request-id (one id ties the gateway's log lines to the services') and the caller's
 * verified access token, which services verify again before acting for that user (they never take
 * the gateway's word for who the actor is).
 */
@Injectable()
export class ServiceClient {
  constructor(private readonly rpc: RpcClient) {}

  /**
   * `caller`: for work outside the request's async context (a notification stream catching up later, a GraphQL
   * DataLoader batch, which runs after the resolvers that asked for it), optionally with the request id to forward.
   */
  send<TResult>(pattern: string, payload: object, caller?: Partial<Pick<AuthenticatedCaller, 'accessToken'> & Pick<RequestContext, 'requestId'>>): Promise<TResult> {
    const context = currentRequestContext();
    const headers: Record<string, string> = {};
    const requestId = caller?.requestId ?? context?.requestId;
    if (requestId !== undefined) headers[REQUEST_ID_HEADER] = requestId;
    const accessToken = caller?.accessToken ?? context?.accessToken;
    if (accessToken !== undefined) headers[ACCESS_TOKEN_HEADER] = accessToken;
    return this.rpc.send<TResult>(pattern, payload, { headers });
  }
}
