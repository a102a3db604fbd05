import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';

const SEQUENCE = /^\d{1,15}$/;

/** `Last-Event-ID` of a reconnecting SSE client: the sequence of the last notification it received. */
export const parseLastEventId = (value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  if (!SEQUENCE.test(value.trim())) {
    throw new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', {
      fieldErrors: [{ field: 'Last-Event-ID', message: 'Last-Event-ID must be the id of a received event (a non-negative integer)' }],
    });
  }
  return Number(value.trim());
};

export const LastEventId = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  parseLastEventId(context.switchToHttp().getRequest<Request>().header('last-event-id')),
);
