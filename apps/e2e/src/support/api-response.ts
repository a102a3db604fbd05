// The e2e suite's HTTP calls: every one goes through the typed client generated from apps/gateway/openapi.json
// (@plinth/api-client, openapi-fetch) and every answer is validated against that document before a spec sees it.
import { createPlinthClient, type Middleware, type PlinthClient } from '@plinth/api-client';
import { ApiDocumentValidator } from '@plinth/testing';

/** What a spec reads of an answer (the fields supertest's Response had): header names lower-case. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or {} when the answer has no JSON body. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- specs assert on the shape
  text: string;
  request: { method: string; path: string };
}

const validator = new ApiDocumentValidator();

const isJson = (contentType: string | null): boolean => /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType ?? '');

/** Fails the call when the answer departs from the document (undocumented status, media type, header or body). */
const validateAgainstDocument: Middleware = {
  async onResponse({ request, response }) {
    const url = new URL(request.url);
    const path = url.pathname + url.search;
    // Only the gateway's documented operations: deliberate requests to unknown paths or methods (404/405) have none.
    if (!validator.operationOf(request.method, path)) return undefined;
    const contentType = response.headers.get('content-type');
    // An event stream never ends by itself: its body is not read here.
    const text = contentType?.startsWith('text/event-stream') ? '' : await response.clone().text();
    validator.assertMatches({
      method: request.method,
      path,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: text === '' ? undefined : isJson(contentType) ? JSON.parse(text) : text,
    });
    return undefined;
  },
};

export const createValidatedClient = (baseUrl: string): PlinthClient => createPlinthClient(baseUrl, { middleware: [validateAgainstDocument] });

/** What openapi-fetch gives for a call made with `parseAs: 'text'`: the text of a success, the parsed error body. */
export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** An ApiResponse from a typed-client call made with `parseAs: 'text'` (openapi-fetch reads the body itself). */
export const toApiResponse = (result: FetchResult, method: string): ApiResponse => {
  const { data, error, response } = result;
  const url = new URL(response.url);
  const raw = response.ok ? data : error;
  const text = raw === undefined || raw === null ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: text !== '' && isJson(response.headers.get('content-type')) ? JSON.parse(text) : {},
    text,
    request: { method, path: url.pathname + url.search },
  };
};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'OPTIONS' | 'DELETE';

/**
 * One request through the typed client, built like a supertest call (`.set()` headers, `.send()` a body) and
 * awaited for an ApiResponse. A string body is sent as it is (the malformed-input cases); an object as JSON.
 */
export class ApiCall implements PromiseLike<ApiResponse> {
  private readonly headers: Record<string, string> = {};
  private body: unknown;

  constructor(
    private readonly client: PlinthClient,
    private readonly method: Method,
    private readonly path: string,
  ) {}

  set(name: string | Record<string, string>, value?: string): this {
    if (typeof name === 'string') this.headers[name.toLowerCase()] = value ?? '';
    else for (const [key, headerValue] of Object.entries(name)) this.headers[key.toLowerCase()] = headerValue;
    return this;
  }

  send(body: unknown): this {
    this.body = body;
    return this;
  }

  then<TResult1 = ApiResponse, TResult2 = never>(
    onfulfilled?: ((value: ApiResponse) => TResult1 | PromiseLike<TResult1>) | null,
    onrejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): PromiseLike<TResult1 | TResult2> {
    return this.execute().then(onfulfilled, onrejected);
  }

  private async execute(): Promise<ApiResponse> {
    const raw = typeof this.body === 'string';
    const headers = { ...(this.body !== undefined && !raw && !this.headers['content-type'] ? { 'content-type': 'application/json' } : {}), ...this.headers };
    // The path is concrete (ids and query filled in by the spec), so it is given to the client as it is.
    const result = await this.client.request(this.method.toLowerCase() as 'get', this.path as '/healthz', {
      headers,
      body: this.body as never,
      bodySerializer: (body: unknown) => (raw ? body : JSON.stringify(body)),
      parseAs: 'text',
    } as never);
    return toApiResponse(result, this.method);
  }
}
