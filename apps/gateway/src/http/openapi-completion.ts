import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { mappedErrorCodes, statusOfCode } from './error-status.table.js';
import { ProblemDetailsModel } from './openapi.models.js';
import { PROBLEM_CONTENT_TYPE, problemTypeOf } from './problem-details.js';

// What the HTTP edge does to every operation, added to the document after Nest has built it from the controllers:
// the refusals that come from the edge rather than from a route (validation of whatever a route declares, body
// parsing, authentication, rate limits, load shedding, timeouts), closed object schemas (unknown properties are
// refused) and examples assembled from the properties' own examples.

const PROBLEM_REF = `#/components/schemas/${ProblemDetailsModel.name}`;

export const PROBLEM_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Validation failed (body, query, path parameter or header; also any property or query parameter the operation does not declare, and malformed JSON); `errors` lists the fields',
  401: 'Missing, invalid, expired or revoked access token (or bad credentials)',
  403: 'The token lacks a required role',
  404: 'No such resource (or it belongs to someone else)',
  405: 'The path exists but not with this method; see Allow',
  409: 'Conflict with the current state (duplicate, illegal transition, stale If-Match of an order, changed price, stock below reserved)',
  412: 'If-Match names a version that is no longer current',
  413: 'Request body larger than the limit',
  415: 'Request body is not application/json',
  422: 'Understood but not acceptable: Idempotency-Key reused with a different body, unknown product, product in another currency',
  429: 'Rate limit exceeded; see Retry-After',
  500: 'Unexpected error; quote requestId',
  503: 'A dependency is unavailable or the gateway is saturated; see Retry-After',
  504: 'A dependency did not answer in time',
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
};

// The API's own paths (/v1) pass rate limits, load shedding and RPCs; the operational ones (/healthz, /readyz) do not.
const API_PATH = /^\/v1\//;
const EVERY_API_OPERATION = [429, 500, 503, 504];

const exampleProblem = (status: number, path: string): Record<string, unknown> => {
  const code = mappedErrorCodes().find((candidate) => statusOfCode(candidate).status === status) ?? 'COMMON.INTERNAL';
  const problem: Record<string, unknown> = {
    type: problemTypeOf(code),
    title: statusOfCode(code).title,
    status,
    detail: status >= 500 ? 'The service is temporarily unavailable. Retry later.' : PROBLEM_DESCRIPTIONS[status] ?? statusOfCode(code).title,
    instance: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'),
    code,
    requestId: '0b7e2c1e-4c1f-4a51-9a9e-2f0c2a8d1b6e',
  };
  if (status === 400) problem.errors = [{ field: 'limit', message: 'limit must not be greater than 100' }];
  return problem;
};

const problemResponse = (status: number, path: string): ResponseObject => ({
  description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
  ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_REF }, example: exampleProblem(status, path) } },
});

const isReference = (value: unknown): value is ReferenceObject => typeof value === 'object' && value !== null && '$ref' in value;

/** An example value assembled from the examples, enums and defaults of a schema's properties; undefined if incomplete. */
export const exampleOf = (schema: SchemaObject | ReferenceObject | undefined, schemas: Record<string, SchemaObject | ReferenceObject>): unknown => {
  if (schema === undefined) return undefined;
  if (isReference(schema)) return exampleOf(schemas[schema.$ref.split('/').pop() ?? ''], schemas);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum !== undefined) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.type === 'array') {
    const item = exampleOf(schema.items, schemas);
    return item === undefined ? undefined : [item];
  }
  if (schema.type === 'object' || schema.properties) {
    const example: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const value = exampleOf(property, schemas);
      if (value === undefined) {
        if (schema.required?.includes(name)) return undefined;
        continue;
      }
      example[name] = value;
    }
    return example;
  }
  return undefined;
};

const completeOperation = (path: string, operation: OperationObject, schemas: Record<string, SchemaObject | ReferenceObject>): void => {
  const statuses = new Set<number>([400]);
  if (operation.requestBody && !isReference(operation.requestBody)) {
    operation.requestBody.required = true;
    [413, 415].forEach((status) => statuses.add(status));
    for (const media of Object.values(operation.requestBody.content)) {
      const example = media.example ?? exampleOf(media.schema, schemas);
      if (example !== undefined) media.example = example;
    }
  }
  if (operation.security?.length) statuses.add(401);
  if (API_PATH.test(path)) EVERY_API_OPERATION.forEach((status) => statuses.add(status));
  const responses = operation.responses;
  for (const status of statuses) responses[status] ??= problemResponse(status, path);
  // Problem responses declared by the routes get the same examples and headers as the added ones.
  // Every refusal is problem+json (the problem filter answers every failed request).
  for (const [status, response] of Object.entries(responses)) {
    if (response === undefined || isReference(response) || Number(status) < 400) continue;
    responses[status] = { ...problemResponse(Number(status), path), description: response.description };
  }
  for (const parameter of operation.parameters ?? []) {
    if (isReference(parameter)) continue;
    const example = exampleOf((parameter as ParameterObject).schema, schemas);
    if (example !== undefined && parameter.in === 'path') parameter.example ??= example;
  }
};

const referencedSchemas = (document: OpenAPIObject): Set<string> => {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && typeof child === 'string') {
          const name = child.split('/').pop() ?? '';
          if (!found.has(name)) {
            found.add(name);
            visit(document.components?.schemas?.[name]);
          }
        } else visit(child);
      }
    }
  };
  visit(document.paths);
  return found;
};

/** The edge's own answers and rules, added to a document built from the controllers. */
export const completeDocument = (document: OpenAPIObject): OpenAPIObject => {
  const schemas = document.components?.schemas ?? {};
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (operation) completeOperation(path, operation, schemas);
    }
  }
  // Schemas only other processes use (event payloads of broadcast handlers) are not part of the HTTP API.
  const used = referencedSchemas(document);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  // Every property a client may send or receive is declared: objects are closed.
  for (const schema of Object.values(schemas)) {
    if (!isReference(schema) && schema.type === 'object' && schema.additionalProperties === undefined) schema.additionalProperties = false;
  }
  return document;
};
