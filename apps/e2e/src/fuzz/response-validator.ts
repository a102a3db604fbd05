// Checks a response against what the OpenAPI document promises for its operation and status. Small on purpose:
// `createResponseValidator(document).check(...)` → a list of mismatches, so a shared validator can replace it.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { operationsOf, type JsonSchema, type OpenApiDocument } from './openapi-operations.js';

export interface ResponseValidator {
  /** Mismatches between a response and the document (empty when it conforms); `operationKey` as in ApiOperation.key. */
  check(operationKey: string, status: number, contentType: string | undefined, body: unknown): string[];
}

/**
 * OpenAPI 3.0 schema → JSON Schema (draft 7): `nullable` becomes a union with null, and objects that name their
 * properties without an explicit `additionalProperties` get `false` — a response field the document does not
 * name is a mismatch (an undocumented field is how internals leak). An object documented with no properties at
 * all says nothing about its shape and is left open.
 */
export function toJsonSchema(schema: JsonSchema): JsonSchema {
  const { nullable, ...rest } = schema;
  const converted: JsonSchema = { ...rest };
  if (rest.items) converted.items = toJsonSchema(rest.items);
  if (rest.properties) {
    converted.properties = Object.fromEntries(Object.entries(rest.properties).map(([name, value]) => [name, toJsonSchema(value)]));
    if (rest.additionalProperties === undefined && Object.keys(rest.properties).length > 0) converted.additionalProperties = false;
  }
  if (typeof rest.additionalProperties === 'object') converted.additionalProperties = toJsonSchema(rest.additionalProperties);
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (rest[keyword]) converted[keyword] = rest[keyword].map(toJsonSchema);
  }
  // Documentation-only keywords ajv would otherwise have to be told about.
  for (const keyword of ['example', 'examples', 'description', 'title', 'deprecated', 'readOnly', 'writeOnly', 'xml', 'externalDocs']) delete converted[keyword];
  return nullable ? { anyOf: [converted, { type: 'null' }] } : converted;
}

const mediaTypeOf = (contentType: string | undefined): string => (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';

export function createResponseValidator(document: OpenApiDocument): ResponseValidator {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const operations = new Map(operationsOf(document).map((operation) => [operation.key, operation]));
  const compiled = new Map<string, ValidateFunction>();

  const validatorFor = (key: string, schema: JsonSchema): ValidateFunction => {
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(toJsonSchema(schema));
      compiled.set(key, validate);
    }
    return validate;
  };

  return {
    check(operationKey, status, contentType, body) {
      const operation = operations.get(operationKey);
      if (!operation) return [`${operationKey} is not in the document`];
      const documented = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses.default;
      if (!documented) return [`status ${status} is not documented for ${operationKey} (documented: ${Object.keys(operation.responses).join(', ')})`];
      const mediaTypes = Object.keys(documented);
      // 204 has no body by definition; any other status documented without content leaves its body undescribed.
      if (mediaTypes.length === 0) return status === 204 && body !== undefined && body !== '' ? [`204 with a body`] : [];
      const mediaType = mediaTypeOf(contentType);
      if (!(mediaType in documented)) return [`content type ${mediaType || '(none)'} is not documented for ${status} (documented: ${mediaTypes.join(', ')})`];
      const schema = documented[mediaType];
      if (!schema || !mediaType.endsWith('json')) return [];
      const validate = validatorFor(`${operationKey} ${status} ${mediaType}`, schema);
      if (validate(body)) return [];
      return (validate.errors ?? []).map((error) => `${status} body${error.instancePath || ''} ${error.message ?? 'is invalid'}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : ''}`);
    },
  };
}
