import type { ApolloServerPlugin } from '@apollo/server';
// @nestjs/apollo loads Apollo's Express integration with a dynamic import of a package it does not declare; importing
// it here puts it in the Nx project graph, so the gateway image (tools/deploy/image-contents.mjs) installs it.
import '@as-integrations/express5';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLError, parse, specifiedRules, validate, type GraphQLSchema, type ValidationRule } from 'graphql';
import { ErrorCodes } from '@plinth/contracts';
import type { GatewayConfig } from '../config.js';
import { requestIdOf } from '../http/request-id.middleware.js';
import { graphqlContextOf, type GraphqlRequestContext } from './graphql-context.js';
import { formatGraphqlError } from './graphql-errors.js';
import { complexityLimitPlugin, graphqlValidationRules } from './graphql-limits.js';

export const GRAPHQL_PATH = '/graphql';

// Problem details carry the request id; GraphQL errors carry it in their extensions.
const requestIdPlugin: ApolloServerPlugin<GraphqlRequestContext> = {
  requestDidStart: () =>
    Promise.resolve({
      willSendResponse: ({ response, contextValue }) => {
        const body = response.body;
        if (body.kind !== 'single' || !body.singleResult.errors || !contextValue?.req) return Promise.resolve();
        const requestId = requestIdOf(contextValue.req);
        body.singleResult.errors = body.singleResult.errors.map((error) => ({ ...error, extensions: { ...error.extensions, requestId } }));
        return Promise.resolve();
      },
    }),
};

// graphql-ws carries subscriptions only: queries and mutations go through POST /graphql, where the body limit,
// APQ and the cost limit apply.
const onlySubscriptions: ValidationRule = (context) => ({
  OperationDefinition: (operation) => {
    if (operation.operation !== 'subscription') {
      context.reportError(new GraphQLError(`Only subscriptions are served over WebSocket; send ${operation.operation}s with POST ${GRAPHQL_PATH}.`, { nodes: [operation] }));
    }
  },
});

/**
 * Apollo on the gateway's Express (the measurement behind the choice is in the gateway README): code-first schema
 * (the committed schema.graphql is checked against it by graphql-schema.spec.ts), no batched requests, APQ with
 * Apollo's bounded in-memory cache, depth/alias/cost limits, introspection and GraphiQL outside production only.
 */
export const graphqlOptions = (config: GatewayConfig): ApolloDriverConfig => {
  const production = config.NODE_ENV === 'production';
  const validationRules = graphqlValidationRules(config);
  let schema: GraphQLSchema | undefined;
  // The same limits as POST /graphql (depth, aliases) for what arrives over graphql-ws; none of it runs otherwise.
  const refusalsOverWebSocket = (query: string): GraphQLError[] => {
    if (!schema) return [new GraphQLError('The schema is not built yet.', { extensions: { code: ErrorCodes.UNAVAILABLE } })];
    try {
      const errors = validate(schema, parse(query), [...specifiedRules, ...validationRules, onlySubscriptions]);
      return errors.map((error) => new GraphQLError(error.message, { extensions: { code: ErrorCodes.VALIDATION_FAILED } }));
    } catch (error) {
      return [new GraphQLError((error as Error).message, { extensions: { code: ErrorCodes.VALIDATION_FAILED } })];
    }
  };
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: !production,
    introspection: !production,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    persistedQueries: {},
    includeStacktraceInErrorResponses: false,
    autoTransformHttpErrors: false,
    validationRules,
    formatError: formatGraphqlError,
    plugins: [complexityLimitPlugin(config), requestIdPlugin],
    context: graphqlContextOf,
    transformSchema: (built: GraphQLSchema) => {
      schema = built;
      return built;
    },
    subscriptions: {
      'graphql-ws': {
        path: GRAPHQL_PATH,
        onSubscribe: (_context, _id, payload) => {
          const refusals = refusalsOverWebSocket(payload.query);
          return refusals.length > 0 ? refusals : undefined;
        },
        onNext: (_context, _id, _payload, _args, result) => ({
          ...result,
          errors: result.errors?.map((error) => formatGraphqlError(error.toJSON(), error)),
        }),
      },
    },
  };
};

