import { Field, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { ApplicationError, ErrorCodes, type FieldError, type Page } from '@plinth/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { PageInfoModel } from './graphql.models.js';

export interface Connection<T> {
  edges: { node: T }[];
  pageInfo: PageInfoModel;
}

/** `XConnection { edges { node } pageInfo { hasNextPage endCursor } }` for one node type. */
export const connectionType = <T>(node: Type<T>, name: string): Type<Connection<T>> => {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => node) node: T;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionModel {
    @Field(() => [Edge]) edges: Edge[];
    @Field(() => PageInfoModel) pageInfo: PageInfoModel;
  }
  return ConnectionModel;
};

/** A service's keyset page as a Relay connection: the page's `nextCursor` is the `endCursor` to pass as `after`. */
export const connectionOf = <TIn, TOut>(page: Page<TIn>, mapNode: (item: TIn) => TOut): Connection<TOut> => ({
  edges: page.items.map((item) => ({ node: mapNode(item) })),
  pageInfo: { hasNextPage: page.nextCursor !== null && page.nextCursor !== undefined, endCursor: page.nextCursor ?? null },
});

// GraphQL names the REST query's `limit`/`cursor` as Relay does.
const GRAPHQL_ARGUMENT_OF: Readonly<Record<string, string>> = { limit: 'first', cursor: 'after' };

const fieldErrorsOf = (errors: ValidationError[]): FieldError[] =>
  errors.flatMap((error) => {
    const field = GRAPHQL_ARGUMENT_OF[error.property] ?? error.property;
    return Object.values(error.constraints ?? {}).map((message) => ({ field, message: message.replace(error.property, field) }));
  });

/**
 * Checks a list's arguments with the REST query's own DTO from the contracts (`ListOrdersQuery`, …), so both
 * faces accept exactly the same values; a refusal is COMMON.VALIDATION_FAILED naming the GraphQL arguments.
 */
export const validatedQuery = <T extends object>(dto: Type<T>, query: Record<string, unknown>): T => {
  const defined = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined && value !== null));
  const instance = plainToInstance(dto, defined);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', { fieldErrors: fieldErrorsOf(errors) });
  return instance;
};
