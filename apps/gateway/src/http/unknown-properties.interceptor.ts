import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage } from 'class-validator';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { ApplicationError, ErrorCodes, type FieldError } from '@plinth/contracts';

type DtoClass = abstract new (...args: never[]) => unknown;

/** The properties a DTO declares, and the DTO class of each nested one. */
interface KnownProperties {
  names: ReadonlySet<string>;
  nested: ReadonlyMap<string, DtoClass>;
}

const NONE: KnownProperties = { names: new Set(), nested: new Map() };

const knownPropertiesOf = (dto: DtoClass | undefined): KnownProperties => {
  if (dto === undefined) return NONE;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const nested = new Map<string, DtoClass>();
  for (const { propertyName, type } of metadata) {
    if (type !== 'nestedValidation') continue;
    const nestedType = defaultMetadataStorage.findTypeMetadata(dto, propertyName)?.typeFunction();
    if (typeof nestedType === 'function') nested.set(propertyName, nestedType as DtoClass);
  }
  return { names: new Set(metadata.map((entry) => entry.propertyName)), nested };
};

const unknownProperties = (value: unknown, dto: DtoClass | undefined, path: string, errors: FieldError[]): void => {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => unknownProperties(item, dto, `${path}${index}.`, errors));
    return;
  }
  const known = knownPropertiesOf(dto);
  for (const [name, child] of Object.entries(value)) {
    if (!known.names.has(name)) errors.push({ field: `${path}${name}`, message: `property ${name} should not exist` });
    const nestedDto = known.nested.get(name);
    if (nestedDto) unknownProperties(child, nestedDto, `${path}${name}.`, errors);
  }
};

/** A route's body and query, each with the DTO that declares its properties (none: nothing may be sent). */
type Checked = { source: 'body' | 'query'; dto: DtoClass | undefined };

/**
 * Refuses every property of a body or query that its DTO does not declare, whatever its name (a route without a
 * @Body() or @Query() DTO accepts no body properties or query parameters at all). The ValidationPipe's
 * whitelist cannot: class-transformer drops keys such as `constructor`, `toString` or `__proto__` before validation
 * (they name members every object already has), so they were accepted silently. This runs on the raw request, after
 * the guards and before the pipes.
 */
@Injectable()
export class UnknownPropertiesInterceptor implements NestInterceptor {
  private readonly checkedByHandler = new WeakMap<object, Checked[]>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<Request>();
      const errors: FieldError[] = [];
      for (const { source, dto } of this.checkedOf(context)) unknownProperties(request[source], dto, '', errors);
      if (errors.length > 0) throw new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', { fieldErrors: errors });
    }
    return next.handle();
  }

  // Which arguments of the handler are a validated @Body() or @Query() DTO: read once per route.
  private checkedOf(context: ExecutionContext): Checked[] {
    const handler = context.getHandler();
    const cached = this.checkedByHandler.get(handler);
    if (cached) return cached;
    const controller: Type = context.getClass();
    const args: Record<string, { index: number; data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {};
    const paramTypes: unknown[] = Reflect.getMetadata('design:paramtypes', controller.prototype, handler.name) ?? [];
    const dtoOf = (paramType: RouteParamtypes): DtoClass | undefined => {
      const arg = Object.entries(args).find(([key, { data }]) => Number(key.split(':', 1)[0]) === paramType && data === undefined)?.[1];
      const dto = arg === undefined ? undefined : paramTypes[arg.index];
      return typeof dto === 'function' ? (dto as DtoClass) : undefined;
    };
    const checked: Checked[] = [
      { source: 'body', dto: dtoOf(RouteParamtypes.BODY) },
      { source: 'query', dto: dtoOf(RouteParamtypes.QUERY) },
    ];
    this.checkedByHandler.set(handler, checked);
    return checked;
  }
}
