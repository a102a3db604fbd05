// A thin client for the public HTTP API: just enough to keep specs about behaviour, not plumbing. Every call goes
// through the client generated from apps/gateway/openapi.json and every answer is validated against it (api-response.ts);
// the flows below use the client's typed operations directly, so a document that changes them breaks the build.
import { randomUUID } from 'node:crypto';
import type { PlinthClient } from '@plinth/api-client';
import type { AccessTokenClaims, CreateOrderBody, NotificationView, OrderView, Page, TokenPair } from '@plinth/contracts';
import { ApiCall, createValidatedClient, toApiResponse, type ApiResponse } from './api-response.js';

export type { ApiResponse };

export const STRONG_PASSWORD = 'correct horse battery staple';

export interface RegisteredUser {
  id: string;
  email: string;
  password: string;
  displayName: string;
  tokens: TokenPair;
}

export const uniqueEmail = (label = 'user'): string => `e2e-${label}-${randomUUID().slice(0, 13)}@example.com`;

export const sampleOrder = (overrides: Partial<CreateOrderBody> = {}): CreateOrderBody => ({
  currency: 'EUR',
  items: [
    { sku: 'SKU-1001', quantity: 2, unitPrice: 1999 },
    { sku: 'SKU-2002', quantity: 1, unitPrice: 500 },
  ],
  ...overrides,
});

/** The claims of an access token, read without verifying it (the gateway does that). */
export const claimsOf = (accessToken: string): AccessTokenClaims =>
  JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'));

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

const queryOf = (query: string): Record<string, string> => Object.fromEntries(new URLSearchParams(query.replace(/^\?/, '')));

export class PlinthApi {
  readonly client: PlinthClient;

  constructor(readonly baseUrl: string) {
    this.client = createValidatedClient(baseUrl);
  }

  get(path: string, token?: string): ApiCall {
    return this.call('GET', path, undefined, token);
  }

  post(path: string, body?: object, token?: string): ApiCall {
    return this.call('POST', path, body, token);
  }

  put(path: string, body: object, token?: string): ApiCall {
    return this.call('PUT', path, body, token);
  }

  patch(path: string, body: object, token?: string): ApiCall {
    return this.call('PATCH', path, body, token);
  }

  /** Any method, for the requests a spec makes on purpose outside the document (OPTIONS preflights, unknown routes). */
  call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'OPTIONS' | 'DELETE', path: string, body?: unknown, token?: string): ApiCall {
    const call = new ApiCall(this.client, method, path);
    if (token) call.set(bearer(token));
    return body === undefined ? call : call.send(body);
  }

  async register(label = 'user', password = STRONG_PASSWORD): Promise<RegisteredUser> {
    const email = uniqueEmail(label);
    const displayName = `E2E ${label}`;
    const result = await this.client.POST('/v1/auth/register', { body: { email, password, displayName }, parseAs: 'text' });
    const res = toApiResponse(result, 'POST');
    expectStatus(res, 201, `register ${email}`);
    const tokens = res.body as TokenPair;
    return { id: claimsOf(tokens.accessToken).sub, email, password, displayName, tokens };
  }

  async login(email: string, password: string): Promise<TokenPair> {
    const result = await this.client.POST('/v1/auth/login', { body: { email, password }, parseAs: 'text' });
    const res = toApiResponse(result, 'POST');
    expectStatus(res, 200, `login ${email}`);
    return res.body as TokenPair;
  }

  async createOrder(token: string, body: CreateOrderBody = sampleOrder(), idempotencyKey?: string): Promise<OrderView> {
    const result = await this.client.POST('/v1/orders', {
      body,
      params: { header: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {} },
      headers: bearer(token),
      parseAs: 'text',
    });
    const res = toApiResponse(result, 'POST');
    expectStatus(res, 201, 'create order');
    return res.body as OrderView;
  }

  async listOrders(token: string, query = ''): Promise<Page<OrderView>> {
    const result = await this.client.GET('/v1/orders', { params: { query: queryOf(query) }, headers: bearer(token), parseAs: 'text' });
    const res = toApiResponse(result, 'GET');
    expectStatus(res, 200, `list orders ${query}`);
    return res.body as Page<OrderView>;
  }

  async changeStatus(adminToken: string, orderId: string, status: OrderView['status']): Promise<OrderView> {
    const result = await this.client.POST('/v1/orders/{id}/status', {
      params: { path: { id: orderId }, header: {} },
      body: { status },
      headers: bearer(adminToken),
      parseAs: 'text',
    });
    const res = toApiResponse(result, 'POST');
    expectStatus(res, 200, `order ${orderId} → ${status}`);
    return res.body as OrderView;
  }

  async listNotifications(token: string, query = ''): Promise<Page<NotificationView>> {
    const result = await this.client.GET('/v1/notifications', { params: { query: queryOf(query) as never }, headers: bearer(token), parseAs: 'text' });
    const res = toApiResponse(result, 'GET');
    expectStatus(res, 200, `list notifications ${query}`);
    return res.body as Page<NotificationView>;
  }
}

/** Fails with the response body in the message, so a broken step explains itself in the test report. */
export function expectStatus(res: Pick<ApiResponse, 'status' | 'body' | 'headers'>, status: number, what: string): void {
  if (res.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${JSON.stringify(res.body)} (x-request-id ${res.headers['x-request-id']})`);
  }
}
