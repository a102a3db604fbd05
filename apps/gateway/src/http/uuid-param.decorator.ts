import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';

/**
 * A path parameter that must be a UUID; anything else is a 400 before any RPC is made. It documents itself as
 * `format: uuid` on the route (a parameter decorator runs with the method, so it can add the method's metadata).
 */
/** Refuses a non-UUID with COMMON.VALIDATION_FAILED naming it; also checks GraphQL `ID` arguments. */
export const uuidPipe = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', {
        fieldErrors: [{ field: name, message: `${name} must be a UUID` }],
      }),
  });

export const UuidParam = (name: string): ParameterDecorator => {
  const param = Param(name, uuidPipe(name));
  const documentation = ApiParam({ name, required: true, schema: { type: 'string', format: 'uuid', example: '00000000-0000-4000-8000-000000000000' } });
  return (target, propertyKey, index) => {
    param(target, propertyKey, index);
    if (propertyKey !== undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(target, propertyKey);
      if (descriptor) documentation(target, propertyKey, descriptor);
    }
  };
};
