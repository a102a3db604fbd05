import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { ApplicationError, ErrorCodes, type FieldError } from '@plinth/contracts';
import { nestedDtoOf, routeDtosOf, validationMetadataOf, type DtoClass, type RouteDtos } from './route-dtos.js';

/** The properties a DTO declares, and the DTO class of each nested one. */
interface KnownProperties {
  names: ReadonlySet<string>;
  nested: ReadonlyMap<string, DtoClass>;
}

const NONE: KnownProperties = { names: new Set(), nested: new Map() };

const knownPropertiesOf = (dto: DtoClass | undefined): KnownProperties => {
  if (dto === undefined) return NONE;
  const metadata = validationMetadataOf(dto);
  const nested = new Map<string, DtoClass>();
  for (const { propertyName, type } of metadata) {
    const nestedDto = type === 'nestedValidation' ? nestedDtoOf(dto, propertyName) : undefined;
    if (nestedDto) nested.set(propertyName, nestedDto);
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

/**
 * Refuses every property of a body or query that its DTO does not declare, whatever its name (a route without a
 * @Body() or @Query() DTO accepts no body properties or query parameters at all). The ValidationPipe's
 * whitelist cannot: class-transformer drops keys such as `constructor`, `toString` or `__proto__` before validation
 * (they name members every object already has), so they were accepted silently. This runs on the raw request, after
 * the guards and before the pipes.
 */
@Injectable()
export class UnknownPropertiesInterceptor implements NestInterceptor {
  private readonly dtosByHandler = new WeakMap<object, RouteDtos>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<Request>();
      const dtos = this.dtosOf(context);
      const errors: FieldError[] = [];
      unknownProperties(request.body, dtos.body, '', errors);
      unknownProperties(request.query, dtos.query, '', errors);
      if (errors.length > 0) throw new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', { fieldErrors: errors });
    }
    return next.handle();
  }

  private dtosOf(context: ExecutionContext): RouteDtos {
    const handler = context.getHandler();
    let dtos = this.dtosByHandler.get(handler);
    if (!dtos) {
      dtos = routeDtosOf(context.getClass(), handler.name);
      this.dtosByHandler.set(handler, dtos);
    }
    return dtos;
  }
}
