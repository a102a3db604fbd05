import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';

/** A path parameter that must be a UUID; anything else is a 400 before any RPC is made. */
export const UuidParam = (name: string): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', {
          fieldErrors: [{ field: name, message: `${name} must be a UUID` }],
        }),
    }),
  );
