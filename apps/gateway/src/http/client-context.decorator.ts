import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { CLIENT_ADDRESS_MAX_LENGTH, CLIENT_USER_AGENT_MAX_LENGTH, type ClientContext } from '@plinth/contracts';

// Control characters and lone surrogates are dropped: the value is stored and shown back to the user, and
// auth's contract refuses text that is not well formed.
// Iterating a string yields code points, so a lone surrogate comes out alone, in 0xd800..0xdfff.
const isUnprintable = (char: string): boolean => {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff);
};
const printable = (value: string): string => [...value].filter((char) => !isUnprintable(char)).join('');

const bounded = (value: string | undefined, maxLength: number): string | undefined => {
  const cleaned = value === undefined ? undefined : printable(value).slice(0, maxLength).trim();
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
