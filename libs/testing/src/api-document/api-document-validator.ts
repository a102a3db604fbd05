import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { workspaceRoot } from '../workspace-root.js';

// The gateway's committed OpenAPI document as a validator of what a client receives (and of its own examples):
// one operation is found by method and concrete path, then status, media type, declared headers and body are checked
// with ajv against what the document declares. The e2e suite runs every response it gets through it; the fuzz
// suite can do the same.

export const API_DOCUMENT_FILE = join(workspaceRoot(), 'apps', 'gateway', 'openapi.json');

const DOCUMENT_ID = 'openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** What a client received, in the shape any HTTP client can give. */
export interface ReceivedResponse {
  method: string;
  /** Concrete path, with or without a query string: `/v1/orders/6f1c…?limit=2`. */
  path: string;
  status: number;
  /** Header names in any case. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, the text of other media types, or undefined without a body. */
  body: unknown;
}

interface DocumentedOperation {
  method: string;
  template: string;
  matcher: RegExp;
  responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, { schema?: unknown }> }>;
}

const pointer = (...segments: string[]): string => `${DOCUMENT_ID}#/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

const formatErrors = (errors: ErrorObject[] | null | undefined): string =>
  (errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? ''}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`).join('; ');

export class ApiDocumentValidator {
  readonly document: Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };
  private readonly ajv: Ajv;
  private readonly operations: DocumentedOperation[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(file = API_DOCUMENT_FILE) {
    this.document = JSON.parse(readFileSync(file, 'utf8'));
    // OpenAPI 3.0 schemas: ajv knows their `nullable`; `example` and the document's other fields are not keywords.
    this.ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    ajvFormats.default(this.ajv);
    this.ajv.addSchema(this.document, DOCUMENT_ID);
    this.operations = Object.entries(this.document.paths).flatMap(([template, item]) =>
      METHODS.filter((method) => item[method] !== undefined).map((method) => ({
        method,
        template,
        matcher: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        responses: (item[method] as { responses: DocumentedOperation['responses'] }).responses,
      })),
    );
  }

  /** The documented operation of a request, e.g. `get /v1/orders/{id}`; undefined if the document has none. */
  operationOf(method: string, path: string): { method: string; template: string } | undefined {
    const pathname = path.split('?', 1)[0];
    // A literal segment beats a parameter (`/v1/users/me` is not `/v1/users/{id}`).
    const candidates = this.operations.filter((op) => op.method === method.toLowerCase() && op.matcher.test(pathname));
    candidates.sort((a, b) => (b.template.match(/\{/g)?.length ?? 0) < (a.template.match(/\{/g)?.length ?? 0) ? 1 : -1);
    const found = candidates[0];
    return found && { method: found.method, template: found.template };
  }

  /** Every way the response departs from the document; empty when it matches. */
  problemsOf(response: ReceivedResponse): string[] {
    const where = `${response.method.toUpperCase()} ${response.path.split('?', 1)[0]} → ${response.status}`;
    const operation = this.operationOf(response.method, response.path);
    if (!operation) return [`${where}: the document has no such operation`];
    const documented = this.operations.find((op) => op.method === operation.method && op.template === operation.template) as DocumentedOperation;
    const declared = documented.responses[String(response.status)];
    if (!declared) return [`${where}: status ${response.status} is not documented (documented: ${Object.keys(documented.responses).join(', ')})`];
    const problems: string[] = [];
    const header = (name: string) => {
      const entry = Object.entries(response.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
      return Array.isArray(entry) ? entry.join(', ') : entry;
    };
    for (const [name, { schema }] of Object.entries(declared.headers ?? {})) {
      const value = header(name);
      if (value === undefined || schema === undefined) continue;
      const typed = (schema as { type?: string }).type === 'integer' && /^\d+$/.test(value) ? Number(value) : value;
      const validate = this.validatorAt(pointer('paths', operation.template, operation.method, 'responses', String(response.status), 'headers', name, 'schema'));
      if (!validate(typed)) problems.push(`${where}: header ${name}: ${value} ${formatErrors(validate.errors)}`);
    }
    const mediaType = (header('content-type') ?? '').split(';', 1)[0].trim().toLowerCase();
    const content = declared.content ?? {};
    if (Object.keys(content).length === 0) {
      if (response.body !== undefined && response.body !== '' && !(typeof response.body === 'object' && response.body !== null && Object.keys(response.body).length === 0)) {
        problems.push(`${where}: a body was sent where the document declares none`);
      }
      return problems;
    }
    if (!(mediaType in content)) return [...problems, `${where}: media type "${mediaType}" is not documented (documented: ${Object.keys(content).join(', ')})`];
    if (!mediaType.endsWith('json')) return problems;
    const validate = this.validatorAt(pointer('paths', operation.template, operation.method, 'responses', String(response.status), 'content', mediaType, 'schema'));
    if (!validate(response.body)) problems.push(`${where}: body ${formatErrors(validate.errors)}: ${JSON.stringify(response.body).slice(0, 500)}`);
    return problems;
  }

  /** Throws with every departure listed when the response does not match the document. */
  assertMatches(response: ReceivedResponse): void {
    const problems = this.problemsOf(response);
    if (problems.length > 0) throw new Error(`response does not match apps/gateway/openapi.json:\n  ${problems.join('\n  ')}`);
  }

  /** Validates a value against a schema of the document given by JSON pointer segments, e.g. ('components', 'schemas', 'OrderView'). */
  problemsAgainst(value: unknown, ...segments: string[]): string[] {
    const validate = this.validatorAt(pointer(...segments));
    return validate(value) ? [] : [formatErrors(validate.errors)];
  }

  private validatorAt(ref: string): ValidateFunction {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    return validate;
  }
}
