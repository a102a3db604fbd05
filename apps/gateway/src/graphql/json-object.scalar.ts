import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** A JSON object produced by the API (notification `data`); never accepted as input. */
export const GraphQLJSONObject = new GraphQLScalarType({
  name: 'JSONObject',
  description: 'A JSON object (output only).',
  serialize: (value) => value,
  parseValue: () => {
    throw new GraphQLError('JSONObject is an output type.');
  },
  parseLiteral: (ast) => {
    throw new GraphQLError(`JSONObject is an output type (got a ${ast.kind === Kind.OBJECT ? 'literal object' : ast.kind}).`);
  },
});
