import { Logger } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCodes } from '@plinth/contracts';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { exceptionToProblem } from '../http/exception-to-problem.js';

const logger = new Logger('GraphqlErrors');

// The APQ protocol: clients react to these exact codes by sending the full query, so they are passed on as Apollo names them.
const PERSISTED_QUERY_CODES: ReadonlySet<string> = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

const codeOf = (error: GraphQLFormattedError): string | undefined =>
  typeof error.extensions?.code === 'string' ? error.extensions.code : undefined;

const fromResolver = (formatted: GraphQLFormattedError, thrown: unknown): GraphQLFormattedError => {
  const problem = exceptionToProblem(thrown, { instance: '/graphql', requestId: '' });
  if (problem.status >= 500) logger.error({ err: thrown, code: problem.code, path: formatted.path }, 'GraphQL resolver failed');
  const extensions: Record<string, unknown> = { code: problem.code };
  if (problem.errors) extensions.errors = problem.errors;
  return { message: problem.detail, locations: formatted.locations, path: formatted.path, extensions };
};

/**
 * Every error a GraphQL response carries: `extensions.code` is one of the problem+json codes (a resolver's
 * ApplicationError keeps its code, a validation failure is COMMON.VALIDATION_FAILED with `extensions.errors` as
 * on REST), and 5xx carry the same fixed sentences: never a stack trace or the service that failed.
 */
export const formatGraphqlError = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
  const thrown = unwrapResolverError(error);
  if (thrown !== error || !(error instanceof GraphQLError)) return fromResolver(formatted, thrown);
  const code = codeOf(formatted);
  if (code !== undefined && (PERSISTED_QUERY_CODES.has(code) || code.startsWith('COMMON.'))) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  // What graphql-js and Apollo refuse before running anything (syntax, validation, variable coercion, limits, an APQ
  // hash that does not match): the client's document is not acceptable, which is what COMMON.VALIDATION_FAILED
  // means on REST. Their messages name only the client's own document, so they stay. Anything caused by a thrown
  // non-GraphQL error (the context, a plugin) is internal, as is an error during execution (a path: a null for a
  // non-null field, a value its type cannot represent), which is the server's fault.
  const beforeExecution = error.path === undefined;
  if (beforeExecution && (error.originalError === undefined || error.originalError instanceof GraphQLError)) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCodes.VALIDATION_FAILED } };
  }
  return fromResolver(formatted, error.originalError ?? error);
};

/** A refusal of the whole operation before it runs (limits): 400, like a REST request that fails validation. */
export const operationRefused = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: ErrorCodes.VALIDATION_FAILED, http: { status: 400 } } });
