// A thin client for the public HTTP API: just enough to keep specs about behaviour, not plumbing.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Response, Test } from 'supertest';
import type { AccessTokenClaims, CreateOrderBody, NotificationView, OrderView, Page, TokenPair } from '@plinth/contracts';

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

export class PlinthApi {
  constructor(readonly baseUrl: string) {}

  get(path: string, token?: string): Test {
    const req = request(this.baseUrl).get(path);
    return token ? req.set(bearer(token)) : req;
  }

  post(path: string, body?: object, token?: string): Test {
    const req = request(this.baseUrl).post(path);
    if (token) req.set(bearer(token));
    return body === undefined ? req : req.send(body);
  }

  put(path: string, body: object, token?: string): Test {
    const req = request(this.baseUrl).put(path);
    if (token) req.set(bearer(token));
    return req.send(body);
  }

  patch(path: string, body: object, token?: string): Test {
    const req = request(this.baseUrl).patch(path);
    if (token) req.set(bearer(token));
    return req.send(body);
  }

  async register(label = 'user', password = STRONG_PASSWORD): Promise<RegisteredUser> {
    const email = uniqueEmail(label);
    const displayName = `E2E ${label}`;
    const res = await this.post('/v1/auth/register', { email, password, displayName });
    expectStatus(res, 201, `register ${email}`);
    const tokens = res.body as TokenPair;
    return { id: claimsOf(tokens.accessToken).sub, email, password, displayName, tokens };
  }

  async login(email: string, password: string): Promise<TokenPair> {
    const res = await this.post('/v1/auth/login', { email, password });
    expectStatus(res, 200, `login ${email}`);
    return res.body as TokenPair;
  }

  async createOrder(token: string, body: CreateOrderBody = sampleOrder(), idempotencyKey?: string): Promise<OrderView> {
    const req = this.post('/v1/orders', undefined, token);
    if (idempotencyKey) req.set('idempotency-key', idempotencyKey);
    const res = await req.send(body);
    expectStatus(res, 201, 'create order');
    return res.body as OrderView;
  }

  async listOrders(token: string, query = ''): Promise<Page<OrderView>> {
    const res = await this.get(`/v1/orders${query}`, token);
    expectStatus(res, 200, `list orders ${query}`);
    return res.body as Page<OrderView>;
  }

  async changeStatus(adminToken: string, orderId: string, status: string): Promise<OrderView> {
    const res = await this.post(`/v1/orders/${orderId}/status`, { status }, adminToken);
    expectStatus(res, 200, `order ${orderId} → ${status}`);
    return res.body as OrderView;
  }

  async listNotifications(token: string, query = ''): Promise<Page<NotificationView>> {
    const res = await this.get(`/v1/notifications${query}`, token);
    expectStatus(res, 200, `list notifications ${query}`);
    return res.body as Page<NotificationView>;
  }
}

/** Fails with the response body in the message, so a broken step explains itself in the test report. */
export function expectStatus(res: Response, status: number, what: string): void {
  if (res.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${JSON.stringify(res.body)} (x-request-id ${res.headers['x-request-id']})`);
  }
}
