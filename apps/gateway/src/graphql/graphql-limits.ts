import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { DEFAULT_PAGE_LIMIT } from '@plinth/contracts';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { GatewayConfig } from '../config.js';
import { operationRefused } from './graphql-errors.js';

/**
 * A connection (any field with a `first` argument) costs its children once per requested item: `myOrders(first: 20)
 * { edges { node { user { id } } } }` is 1 + 20 × 4. `first` is bounded by the contracts (1..100) anyway, but the
 * estimate runs before the resolvers, so an unbounded or missing value is priced at the most or the default.
 */
const connectionEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((argument) => argument.name === 'first')) return undefined;
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE_LIMIT;
  return 1 + childComplexity * first;
};

// graphql-armor throws its refusal unless told otherwise; reported instead, it is one validation error among others.
// Its messages start with "Syntax Error: " although the syntax is fine.
const reportRefusal = { propagateOnRejection: false, onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')))] };

/** Depth and aliases: graphql-js validation rules, so a refused document never reaches a resolver. */
export const graphqlValidationRules = (config: GatewayConfig): ValidationRule[] => [
  maxDepthRule({ n: config.GRAPHQL_MAX_DEPTH, ignoreIntrospection: true, exposeLimits: true, ...reportRefusal }) as unknown as ValidationRule,
  maxAliasesRule({ n: config.GRAPHQL_MAX_ALIASES, exposeLimits: true, ...reportRefusal }) as unknown as ValidationRule,
];

/** Cost: computed with the operation's variables, once the operation is known and before it executes. */
export const complexityLimitPlugin = (config: GatewayConfig): ApolloServerPlugin => ({
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation: ({ request, document, schema }) => {
        const cost = getComplexity({
          schema,
          query: document,
          operationName: request.operationName ?? undefined,
          variables: request.variables ?? {},
          estimators: [connectionEstimator, simpleEstimator({ defaultComplexity: 1 })],
        });
        if (cost > config.GRAPHQL_MAX_COST) {
          return Promise.reject(operationRefused(`The operation's estimated cost ${cost} exceeds the limit of ${config.GRAPHQL_MAX_COST}; ask for fewer items or fields.`));
        }
        return Promise.resolve();
      },
    }),
});
