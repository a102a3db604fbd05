import { Param, type PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { ApplicationError, ErrorCodes, SKU_PATTERN } from '@plinth/contracts';

/** Anything that cannot be a sku is a 400 (COMMON.VALIDATION_FAILED, field `sku`) before any RPC; REST and GraphQL. */
export const skuPipe: PipeTransform<string, string> = {
  transform(value) {
    if (SKU_PATTERN.test(value)) return value;
    throw new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', {
      fieldErrors: [{ field: 'sku', message: `sku must match ${SKU_PATTERN.source}` }],
    });
  },
};

/** The `{sku}` path parameter: anything that cannot be a sku is a 400 before any RPC; documented with its pattern. */
export const SkuParam = (): ParameterDecorator => {
  const param = Param('sku', skuPipe);
  const documentation = ApiParam({ name: 'sku', required: true, schema: { type: 'string', pattern: SKU_PATTERN.source, example: 'SKU-1' } });
  return (target, propertyKey, index) => {
    param(target, propertyKey, index);
    if (propertyKey !== undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(target, propertyKey);
      if (descriptor) documentation(target, propertyKey, descriptor);
    }
  };
};
