// The operations of an OpenAPI 3 document, flattened into what a fuzzer needs: where to send, what to send,
// who may call, and which responses are documented. `$ref`s are resolved, so callers see plain schemas.

export type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  nullable?: boolean;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
  [keyword: string]: unknown;
};

export interface OperationParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface ApiOperation {
  /** e.g. `POST /v1/orders/{id}/cancel` — the key failures are reported by. */
  key: string;
  method: string;
  /** The OpenAPI path template, `{name}` for path parameters. */
  path: string;
  parameters: OperationParameter[];
  /** The JSON request body's schema, when the operation takes one. */
  body?: { schema: JsonSchema; required: boolean };
  /** The operation declares a security requirement (a bearer token). */
  authenticated: boolean;
  /** Documented statuses (as strings, e.g. "200") → content types → schema. */
  responses: Record<string, Record<string, JsonSchema | undefined>>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface RawOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  security?: Record<string, string[]>[];
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Replaces every `#/components/schemas/X` reference with the schema itself (the document has no cycles). */
export function resolveRefs(schema: JsonSchema, document: OpenApiDocument, depth = 0): JsonSchema {
  if (depth > 32) throw new Error('schema nesting deeper than 32: a reference cycle?');
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved reference ${schema.$ref}`);
    return resolveRefs(target, document, depth + 1);
  }
  const resolved: JsonSchema = { ...schema };
  if (schema.items) resolved.items = resolveRefs(schema.items, document, depth + 1);
  if (schema.properties) {
    resolved.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, value]) => [name, resolveRefs(value, document, depth + 1)]));
  }
  if (typeof schema.additionalProperties === 'object') resolved.additionalProperties = resolveRefs(schema.additionalProperties, document, depth + 1);
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (schema[keyword]) resolved[keyword] = schema[keyword].map((part) => resolveRefs(part, document, depth + 1));
  }
  return resolved;
}

export function operationsOf(document: OpenApiDocument): ApiOperation[] {
  const operations: ApiOperation[] = [];
  for (const [path, pathItem] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(pathItem)) {
      if (!METHODS.has(method)) continue;
      const jsonBody = raw.requestBody?.content?.['application/json']?.schema;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: (raw.parameters ?? [])
          .filter((parameter) => parameter.in === 'path' || parameter.in === 'query' || parameter.in === 'header')
          .map((parameter) => ({
            name: parameter.name,
            in: parameter.in as OperationParameter['in'],
            required: parameter.required ?? parameter.in === 'path',
            schema: resolveRefs(parameter.schema ?? { type: 'string' }, document),
          })),
        body: jsonBody ? { schema: resolveRefs(jsonBody, document), required: raw.requestBody?.required ?? false } : undefined,
        authenticated: (raw.security ?? []).length > 0,
        responses: Object.fromEntries(
          Object.entries(raw.responses ?? {}).map(([status, response]) => [
            status,
            Object.fromEntries(Object.entries(response.content ?? {}).map(([type, media]) => [type, media.schema && resolveRefs(media.schema, document)])),
          ]),
        ),
      });
    }
  }
  return operations;
}

/** The path of a URL as the router sees it: no query, no trailing slash (Express routes `/v1/orders/` as `/v1/orders`). */
export const routedPathOf = (url: string): string => (url.split('?', 1)[0] ?? '').replace(/(.)\/+$/, '$1');

/**
 * The operation a concrete request addresses — not always the one it was generated for: an empty path
 * parameter turns `GET /v1/orders/{id}` into `GET /v1/orders/`, which is the list. Literal paths win over templates.
 */
export function operationAddressedBy(operations: readonly ApiOperation[], method: string, url: string): ApiOperation | undefined {
  const path = routedPathOf(url);
  const candidates = operations
    .filter((operation) => operation.method === method)
    .filter((operation) => new RegExp(`^${operation.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`).test(path));
  return candidates.sort((a, b) => a.parameters.filter((p) => p.in === 'path').length - b.parameters.filter((p) => p.in === 'path').length)[0];
}
