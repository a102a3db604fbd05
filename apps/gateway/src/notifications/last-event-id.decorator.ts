import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiHeaderOptions } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';

const SEQUENCE = /^\d{1,15}$/;

export const LAST_EVENT_ID_HEADER: ApiHeaderOptions = {
  name: 'Last-Event-ID',
  required: false,
  description: 'The id of the last event received (a non-negative integer); replays everything after it',
  schema: { type: 'string', pattern: SEQUENCE.source, example: '7' },
};

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
