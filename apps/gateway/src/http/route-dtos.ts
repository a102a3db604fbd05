import type { Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { createRequire } from 'node:module';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage.js';
import { getMetadataStorage } from 'class-validator';

// How the gateway reads its request DTOs: which class a route's @Body() / @Query() is, and what each class declares
// for class-validator. The unknown-properties check and the OpenAPI document both read them from here.

// Where @Type() records nested DTO classes: class-transformer exports its storage without typings beside the file.
const { defaultMetadataStorage } = createRequire(import.meta.url)('class-transformer/cjs/storage.js') as { defaultMetadataStorage: MetadataStorage };

export type DtoClass = abstract new (...args: never[]) => unknown;

/** One class-validator rule of a property (class-validator does not export the type of its metadata). */
export type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** Every class-validator rule of a DTO, inherited ones included. */
export const validationMetadataOf = (dto: DtoClass): ValidationMetadata[] =>
  getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);

/** The DTO class of a @ValidateNested() property, as its @Type() names it. */
export const nestedDtoOf = (dto: DtoClass, propertyName: string): DtoClass | undefined => {
  const nested = defaultMetadataStorage.findTypeMetadata(dto, propertyName)?.typeFunction();
  return typeof nested === 'function' ? (nested as DtoClass) : undefined;
};

/** A route's body and query, each with the DTO that declares its properties (none: nothing may be sent). */
export interface RouteDtos {
  body: DtoClass | undefined;
  query: DtoClass | undefined;
}

/** The whole-object @Body() and @Query() DTOs of a handler (`@Body('field')` and primitives are not DTOs). */
export const routeDtosOf = (controller: Type, handlerName: string): RouteDtos => {
  const args: Record<string, { index: number; data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handlerName) ?? {};
  const paramTypes: unknown[] = Reflect.getMetadata('design:paramtypes', controller.prototype, handlerName) ?? [];
  const dtoOf = (paramType: RouteParamtypes): DtoClass | undefined => {
    const arg = Object.entries(args).find(([key, { data }]) => Number(key.split(':', 1)[0]) === paramType && data === undefined)?.[1];
    const dto = arg === undefined ? undefined : paramTypes[arg.index];
    return typeof dto === 'function' ? (dto as DtoClass) : undefined;
  };
  return { body: dtoOf(RouteParamtypes.BODY), query: dtoOf(RouteParamtypes.QUERY) };
};
