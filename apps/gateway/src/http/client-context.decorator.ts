import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { CLIENT_ADDRESS_MAX_LENGTH, CLIENT_USER_AGENT_MAX_LENGTH, type ClientContext } from '@plinth/contracts';

// Control characters and lone surrogates are dropped: the value is stored and shown back to the user, and
// auth's contract refuses text that is not well formed.
const UNPRINTABLE = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const bounded = (value: string | undefined, maxLength: number): string | undefined => {
  const cleaned = value?.replace(UNPRINTABLE, '').slice(0, maxLength).trim();
  return cleaned ? cleaned : undefined;
};

/** Where a request came from, as this edge sees it: the address per `trust proxy` (TRUST_PROXY) and the User-Agent header. */
export const clientContextOf = (request: Request): ClientContext => ({
  address: bounded(request.ip, CLIENT_ADDRESS_MAX_LENGTH),
  userAgent: bounded(request.header('user-agent'), CLIENT_USER_AGENT_MAX_LENGTH),
});

/** The request's ClientContext, for the RPCs that record sessions and security events. */
export const CurrentClient = createParamDecorator((_data: unknown, context: ExecutionContext): ClientContext =>
  clientContextOf(context.switchToHttp().getRequest<Request>()),
);
