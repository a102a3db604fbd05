// A plain-fetch GraphQL client (POST /graphql, JSON) and a graphql-ws subscriber: what any GraphQL client does, no more.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions: { code: string; errors?: { field: string; message: string }[]; requestId?: string };
}

export interface GraphqlResponse<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: TData | null;
  errors?: GraphqlError[];
}

export interface GraphqlRequest {
  query?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

export class GraphqlClient {
  constructor(private readonly gatewayUrl: string) {}

  async post<TData = Record<string, unknown>>(body: GraphqlRequest | GraphqlRequest[], token?: string, headers: Record<string, string> = {}): Promise<GraphqlResponse<TData>> {
    const response = await fetch(`${this.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = (text === '' ? {} : JSON.parse(text)) as { data?: TData | null; errors?: GraphqlError[] };
    return { status: response.status, headers: response.headers, data: parsed.data, errors: parsed.errors };
  }

  /** `query` with `variables`, answered with data and no error: the data. */
  async data<TData = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<TData> {
    const response = await this.post<TData>({ query, variables }, token);
    if (response.status !== 200 || response.errors || !response.data) {
      throw new Error(`GraphQL ${query.slice(0, 60)}…: HTTP ${response.status} ${JSON.stringify({ data: response.data, errors: response.errors })}`);
    }
    return response.data;
  }

  /** A graphql-ws client carrying the token as its connection's `authorization` parameter. */
  subscriber(token: string): Client {
    return createClient({
      url: `${this.gatewayUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
    });
  }
}
