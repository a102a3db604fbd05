// The catalog through the gateway, and the stock saga across orders, catalog and notifications, on the real system.
import type { NotificationView, OrderView, ProductView } from '@plinth/contracts';
import type { RunningSystem } from '@plinth/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { eventually } from './support/eventually.js';
import { expectStatus, PlinthApi, type RegisteredUser } from './support/plinth-api.js';
import { expectProblem } from './support/problem-assertions.js';

vi.setConfig({ testTimeout: 300_000 });

let system: RunningSystem;
let api: PlinthApi;
let adminToken: string;
let shopper: RegisteredUser;

beforeAll(async () => {
  // 200 orders at once on two shared cores: RPCs may queue for seconds before orders answers (not what this tests).
  system = await startE2eSystem({ env: { RPC_TIMEOUT_MS: '30000' } });
  api = new PlinthApi(system.gatewayUrl);
  adminToken = (await api.login(ADMIN.email, ADMIN.password)).accessToken;
  shopper = await api.register('catalog');
}, SYSTEM_START_TIMEOUT_MS);
afterAll(() => stopE2eSystem(system, 'catalog'), 60_000);

const uniqueSku = () => `E2E-${randomUUID().slice(0, 8)}`;
const createProduct = async (stock: number, unitPrice = 300): Promise<ProductView> => {
  const res = await api.post('/v1/products', { sku: uniqueSku(), name: 'E2E product', currency: 'EUR', unitPrice, stock }, adminToken);
  expectStatus(res, 201, 'create product');
  return res.body as ProductView;
};

describe('/v1/products', () => {
  it('creates a product (admin): 201, Location, ETag; a duplicate sku is 409 and a customer is 403', async () => {
    const sku = uniqueSku();
    const body = { sku, name: 'Kettle', description: 'Electric', currency: 'EUR', unitPrice: 2500, stock: 3 };
    const res = await api.post('/v1/products', body, adminToken);
    expectStatus(res, 201, 'create product');
    expect(res.headers.location).toBe(`/v1/products/${sku}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({ ...body, reserved: 0, version: 1 });
    expectProblem(await api.post('/v1/products', body, adminToken), 409, 'CATALOG.SKU_TAKEN');
    expectProblem(await api.post('/v1/products', { ...body, sku: uniqueSku() }, shopper.tokens.accessToken), 403);
  });

  it('serves one product publicly with ETag and public Cache-Control; If-None-Match → 304; unknown → 404; bad sku → 400', async () => {
    const product = await createProduct(2);
    const res = await api.get(`/v1/products/${product.sku}`);
    expectStatus(res, 200, 'GET product');
    expect(res.body).toStrictEqual(product);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const again = await api.get(`/v1/products/${product.sku}`).set({ 'If-None-Match': '"1"' });
    expect(again.status).toBe(304);
    expectProblem(await api.get('/v1/products/NO-SUCH-SKU'), 404, 'CATALOG.NOT_FOUND');
    expectProblem(await api.get('/v1/products/bad%20sku'), 400, 'COMMON.VALIDATION_FAILED');
  });

  it('lists products in keyset pages with a weak ETag that answers 304 while the page is unchanged', async () => {
    const first = await api.get('/v1/products?limit=2');
    expectStatus(first, 200, 'list products');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(first.headers.etag).toMatch(/^W\/"/);
    expect((await api.get('/v1/products?limit=2').set({ 'If-None-Match': first.headers.etag ?? '' })).status).toBe(304);
    const second = await api.get(`/v1/products?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expectStatus(second, 200, 'second page');
    expect(second.body.items[0].sku > first.body.items[1].sku).toBe(true);
  });

  it('patches the price with If-Match (stale → 412) and adjusts stock, never below the reserved units (409)', async () => {
    const product = await createProduct(5);
    const patched = await api.patch(`/v1/products/${product.sku}`, { unitPrice: 450 }, adminToken).set({ 'If-Match': '"1"' });
    expectStatus(patched, 200, 'patch product');
    expect(patched.body).toMatchObject({ unitPrice: 450, version: 2 });
    expectProblem(await api.patch(`/v1/products/${product.sku}`, { unitPrice: 1 }, adminToken).set({ 'If-Match': '"1"' }), 412, 'CATALOG.VERSION_CONFLICT');
    const restocked = await api.post(`/v1/products/${product.sku}/stock`, { delta: 5 }, adminToken);
    expectStatus(restocked, 200, 'restock');
    expect(restocked.body).toMatchObject({ stock: 10, version: 3 });
    expectProblem(await api.post(`/v1/products/${product.sku}/stock`, { delta: -11 }, adminToken), 409, 'CATALOG.STOCK_BELOW_RESERVED');
  });

  it('prices orders from the catalog: a changed price reaches orders, and an asserted old price is 409 ORDERS.PRICE_CHANGED', async () => {
    const product = await createProduct(100, 300);
    const priced = await eventually(async () => {
      const res = await api.post('/v1/orders', { currency: 'EUR', items: [{ sku: product.sku, quantity: 2 }] }, shopper.tokens.accessToken);
      return res.status === 201 ? (res.body as OrderView) : undefined;
    }, { timeoutMs: 20_000, description: 'orders knows the new product' });
    expect(priced.total).toBe(600);
    expectStatus(await api.patch(`/v1/products/${product.sku}`, { unitPrice: 350 }, adminToken), 200, 'reprice');
    const refused = await eventually(async () => {
      const res = await api.post('/v1/orders', { currency: 'EUR', items: [{ sku: product.sku, quantity: 1, unitPrice: 300 }] }, shopper.tokens.accessToken);
      return res.status === 409 ? res : undefined;
    }, { timeoutMs: 20_000, description: 'orders knows the new price' });
    expect(expectProblem(refused, 409, 'ORDERS.PRICE_CHANGED').detail).toBe(`The price changed: ${product.sku} costs 350 now, not 300`);
    expect(refused.body.details).toStrictEqual({ lines: [{ sku: product.sku, requestedUnitPrice: 300, currentUnitPrice: 350 }] });
    expectProblem(await api.post('/v1/orders', { currency: 'EUR', items: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] }, shopper.tokens.accessToken), 422, 'ORDERS.UNKNOWN_PRODUCT');
    expectProblem(await api.post('/v1/orders', { currency: 'USD', items: [{ sku: product.sku, quantity: 1 }] }, shopper.tokens.accessToken), 422, 'ORDERS.CURRENCY_MISMATCH');
  });
});

describe('the stock saga', () => {
  it('never oversells: 200 concurrent orders of 1 unit against stock 50 end 50 confirmed, 150 rejected, 50 reserved, none pending', async () => {
    const product = await createProduct(50, 100);
    const buyers = await Promise.all(Array.from({ length: 4 }, (_, index) => api.register(`saga-${index}`)));
    // Orders hears of the product from its event; the first order tells when it has.
    const body = { currency: 'EUR', items: [{ sku: product.sku, quantity: 1 }] };
    const orders: OrderView[] = [await eventually(async () => {
      const res = await api.post('/v1/orders', body, buyers[0]?.tokens.accessToken);
      return res.status === 201 ? (res.body as OrderView) : undefined;
    }, { timeoutMs: 20_000, description: 'orders knows the product' })];
    orders.push(...(await Promise.all(Array.from({ length: 199 }, (_, index) => api.createOrder(buyers[index % buyers.length]?.tokens.accessToken ?? '', body)))));

    const statuses = async () => {
      const seen = await Promise.all(orders.map(async (order, index) => {
        const res = await api.get(`/v1/orders/${order.id}`, buyers[index === 0 ? 0 : (index - 1) % buyers.length]?.tokens.accessToken);
        expectStatus(res, 200, 'GET order');
        return (res.body as OrderView).status;
      }));
      return { confirmed: seen.filter((s) => s === 'confirmed').length, rejected: seen.filter((s) => s === 'rejected').length, pending: seen.filter((s) => s === 'pending').length };
    };
    const settled = await eventually(async () => {
      const counts = await statuses();
      return counts.pending === 0 ? counts : undefined;
    }, { timeoutMs: 90_000, description: 'every order settled by the saga' });
    expect(settled).toStrictEqual({ confirmed: 50, rejected: 150, pending: 0 });
    const stock = await api.get(`/v1/products/${product.sku}`);
    expect(stock.body).toMatchObject({ stock: 50, reserved: 50 });
  });

  // Runs after the burst above: on two loaded cores its ~600 follow-up events (notifications, emails) may still be
  // draining, so each step gets the burst's budget.
  it('notifies the buyer of confirmed and of rejected orders; cancelling a confirmed order releases its stock', async () => {
    const product = await createProduct(1, 100);
    const buyer = await api.register('saga-notify');
    const body = { currency: 'EUR', items: [{ sku: product.sku, quantity: 1 }] };
    const first = await eventually(async () => {
      const res = await api.post('/v1/orders', body, buyer.tokens.accessToken);
      return res.status === 201 ? (res.body as OrderView) : undefined;
    }, { timeoutMs: 90_000, description: 'orders knows the product' });
    const statusOf = async (order: OrderView) => ((await api.get(`/v1/orders/${order.id}`, buyer.tokens.accessToken)).body as OrderView).status;
    await eventually(async () => ((await statusOf(first)) === 'confirmed' ? true : undefined), { timeoutMs: 90_000, description: 'first confirmed' });
    const second = await api.createOrder(buyer.tokens.accessToken, body);
    await eventually(async () => ((await statusOf(second)) === 'rejected' ? true : undefined), { timeoutMs: 90_000, description: 'second rejected' });
    const texts = await eventually(async () => {
      const items: NotificationView[] = (await api.listNotifications(buyer.tokens.accessToken, '?limit=100')).items;
      const titles = items.map((notification) => notification.title);
      return titles.includes('Order confirmed') && titles.includes('Order rejected') ? titles : undefined;
    }, { timeoutMs: 90_000, description: 'confirmed and rejected notifications' });
    expect(texts).toEqual(expect.arrayContaining(['Order confirmed', 'Order rejected']));

    expectStatus(await api.post(`/v1/orders/${first.id}/cancel`, undefined, buyer.tokens.accessToken), 200, 'cancel confirmed order');
    await eventually(async () => ((await api.get(`/v1/products/${product.sku}`)).body.reserved === 0 ? true : undefined), { timeoutMs: 90_000, description: 'stock released' });
  });
});
