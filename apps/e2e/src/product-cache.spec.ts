// The gateway's product cache on the real system: two gateway replicas sharing the real Redis, catalog's events
// evicting through each replica's broadcast queue. A change must be read through every replica within 1 s, and a
// cold product costs catalog one read per replica however many clients ask at once.
import { randomUUID } from 'node:crypto';
import type { OrderView, ProductView } from '@plinth/contracts';
import { freePort, ServiceProcess, type RunningSystem } from '@plinth/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { eventually } from './support/eventually.js';
import { expectStatus, PlinthApi, type RegisteredUser } from './support/plinth-api.js';
import { parseExposition, total } from './support/prometheus-exposition.js';

vi.setConfig({ testTimeout: 120_000 });

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CACHE_KEY_PREFIX = `plinth-e2e-${randomUUID().slice(0, 8)}:cache:`;
const GATEWAY_ENV = { REDIS_URL, CACHE_KEY_PREFIX, RATE_LIMIT_KEY_PREFIX: `${CACHE_KEY_PREFIX}rate-limit:` };

let system: RunningSystem;
let replicaB: ServiceProcess;
/** A replica whose Redis is not there (nothing listens on its port): the cache's degraded path. */
let replicaWithoutRedis: ServiceProcess;
let apiA: PlinthApi;
let apiB: PlinthApi;
let adminToken: string;
let shopper: RegisteredUser;

beforeAll(async () => {
  system = await startE2eSystem({ serviceEnv: { gateway: GATEWAY_ENV } });
  const port = await freePort();
  replicaB = new ServiceProcess('gateway', port, { ...system.env, ...GATEWAY_ENV, PORT: String(port) });
  replicaB.start();
  const portWithoutRedis = await freePort();
  const absentRedis = `redis://127.0.0.1:${await freePort()}`;
  replicaWithoutRedis = new ServiceProcess('gateway', portWithoutRedis, { ...system.env, ...GATEWAY_ENV, REDIS_URL: absentRedis, PORT: String(portWithoutRedis) });
  replicaWithoutRedis.start();
  await Promise.all([replicaB.waitUntilReady(150_000), replicaWithoutRedis.waitUntilReady(150_000)]);
  apiA = new PlinthApi(system.gatewayUrl);
  apiB = new PlinthApi(replicaB.url);
  adminToken = (await apiA.login(ADMIN.email, ADMIN.password)).accessToken;
  shopper = await apiA.register('product-cache');
}, SYSTEM_START_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([replicaB?.stop(), replicaWithoutRedis?.stop()]);
  await stopE2eSystem(system, 'product-cache');
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${CACHE_KEY_PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}, 60_000);

const metricsOf = async (url: string) => parseExposition(await (await fetch(`${url}/metrics`)).text());
const catalogReads = async () => total(await metricsOf(system.urlOf('catalog')), 'messaging_handler_duration_seconds_count', { kind: 'rpc', pattern: 'catalog.products.get' });

const createProduct = async (stock = 10, unitPrice = 500): Promise<ProductView> => {
  const res = await apiA.post('/v1/products', { sku: `CACHE-${randomUUID().slice(0, 8)}`, name: 'Cached product', currency: 'EUR', unitPrice, stock }, adminToken);
  expectStatus(res, 201, 'create product');
  return res.body as ProductView;
};

const read = async (api: PlinthApi, sku: string): Promise<ProductView> => {
  const res = await api.get(`/v1/products/${sku}`);
  expectStatus(res, 200, `GET /v1/products/${sku}`);
  return res.body as ProductView;
};

/** Milliseconds until `api` reads `expected` for the product (polled every 20 ms); fails past `boundMs`. */
async function readWithin(api: PlinthApi, sku: string, expected: Partial<ProductView>, since: number, boundMs: number): Promise<number> {
  for (;;) {
    const product = await read(api, sku);
    if (Object.entries(expected).every(([field, value]) => product[field as keyof ProductView] === value)) return Date.now() - since;
    if (Date.now() - since > boundMs) throw new Error(`still read ${JSON.stringify(product)} after ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('product reads through the shared cache', () => {
  it('answers repeated reads from the cache: catalog is asked once for a product both replicas read, over REST and GraphQL', async () => {
    const product = await createProduct();
    const before = await catalogReads();
    const hitsBefore = total(await metricsOf(system.gatewayUrl), 'cache_hits_total', { cache: 'products' });
    for (let i = 0; i < 5; i++) expect(await read(apiA, product.sku)).toStrictEqual(product);
    for (let i = 0; i < 5; i++) expect(await read(apiB, product.sku)).toStrictEqual(product);
    const graphql = await apiA.post('/graphql', { query: `{ product(sku: "${product.sku}") { sku unitPrice version } }` });
    expect(graphql.body).toStrictEqual({ data: { product: { sku: product.sku, unitPrice: product.unitPrice, version: product.version } } });
    expect(await catalogReads()).toBe(before + 1);
    expect(total(await metricsOf(system.gatewayUrl), 'cache_hits_total', { cache: 'products' })).toBeGreaterThanOrEqual(hitsBefore + 4);
    expect(total(await metricsOf(replicaB.url), 'cache_hits_total', { cache: 'products' })).toBeGreaterThanOrEqual(5);
  });

  it('stampede: 50 concurrent reads of a cold product through one replica cost catalog one read', async () => {
    const product = await createProduct();
    const before = await catalogReads();
    const answers = await Promise.all(Array.from({ length: 50 }, () => read(apiA, product.sku)));
    expect(answers.every((answer) => answer.version === product.version)).toBe(true);
    expect(await catalogReads()).toBe(before + 1);
  });

  it('a price change is read through both replicas within 1 s, both having served the old price from the cache', async () => {
    const product = await createProduct(10, 500);
    await read(apiA, product.sku);
    await read(apiB, product.sku);
    const changedAt = Date.now();
    expectStatus(await apiA.patch(`/v1/products/${product.sku}`, { unitPrice: 650 }, adminToken), 200, 'reprice');
    const [throughA, throughB] = await Promise.all([
      readWithin(apiA, product.sku, { unitPrice: 650, version: 2 }, changedAt, 1_000),
      readWithin(apiB, product.sku, { unitPrice: 650, version: 2 }, changedAt, 1_000),
    ]);
    expect(Math.max(throughA, throughB)).toBeLessThan(1_000);
  });

  it('a restock and a reservation by the saga show on the next reads of every replica', async () => {
    const product = await createProduct(10, 500);
    await read(apiA, product.sku);
    await read(apiB, product.sku);
    const restockedAt = Date.now();
    expectStatus(await apiA.post(`/v1/products/${product.sku}/stock`, { delta: 5 }, adminToken), 200, 'restock');
    await readWithin(apiB, product.sku, { stock: 15 }, restockedAt, 1_000);
    const order = await eventually(async () => {
      const res = await apiA.post('/v1/orders', { currency: 'EUR', items: [{ sku: product.sku, quantity: 3 }] }, shopper.tokens.accessToken);
      return res.status === 201 ? (res.body as OrderView) : undefined;
    }, { timeoutMs: 20_000, description: 'orders knows the new product' });
    const confirmedAt = await eventually(async () => {
      const res = await apiA.get(`/v1/orders/${order.id}`, shopper.tokens.accessToken);
      return res.body.status === 'confirmed' ? Date.now() : undefined;
    }, { timeoutMs: 30_000, intervalMs: 20, description: 'the saga confirms the order' });
    await Promise.all([
      readWithin(apiA, product.sku, { reserved: 3 }, confirmedAt, 1_000),
      readWithin(apiB, product.sku, { reserved: 3 }, confirmedAt, 1_000),
    ]);
  });

  it('Redis down: reads are answered from catalog (and the replica\'s own memory), current and never 5xx, and the failures are counted', async () => {
    const product = await createProduct(10, 500);
    const degraded = new PlinthApi(replicaWithoutRedis.url);
    const before = await catalogReads();
    expect(await read(degraded, product.sku)).toStrictEqual(product);
    expect(await catalogReads()).toBe(before + 1);
    const changedAt = Date.now();
    expectStatus(await apiA.patch(`/v1/products/${product.sku}`, { unitPrice: 510 }, adminToken), 200, 'reprice');
    await readWithin(degraded, product.sku, { unitPrice: 510 }, changedAt, 1_000);
    const metrics = await metricsOf(replicaWithoutRedis.url);
    expect(total(metrics, 'cache_errors_total', { cache: 'products', operation: 'get' })).toBeGreaterThanOrEqual(2);
    expect(total(metrics, 'cache_misses_total', { cache: 'products' })).toBeGreaterThanOrEqual(2);
  });
});
