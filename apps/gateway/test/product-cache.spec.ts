// The product cache on the real Redis (REDIS_URL or 127.0.0.1:6379), and what it does when Redis is away or hangs:
// reads always answer, from catalog when the cache cannot, and every outcome is counted.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { ProductView } from '@plinth/contracts';
import { freePort } from '@plinth/testing';
import { ServiceMetrics } from '@plinth/telemetry';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayConfig } from '../src/config.js';
import { ProductCache } from '../src/products/product-cache.js';
import { testRedis } from './support/test-redis.js';

const { url, prefix, dropKeys } = testRedis();
const caches: ProductCache[] = [];

async function cacheOn(redisUrl: string | undefined, settings: Partial<GatewayConfig> = {}): Promise<{ cache: ProductCache; metrics: ServiceMetrics }> {
  const config = Object.assign(new GatewayConfig(), { REDIS_URL: redisUrl, CACHE_KEY_PREFIX: prefix, CACHE_COMMAND_TIMEOUT_MS: 100, ...settings });
  const metrics = new ServiceMetrics('gateway');
  const cache = new ProductCache(config, metrics);
  caches.push(cache);
  await cache.onModuleInit();
  return { cache, metrics };
}

const count = async (metrics: ServiceMetrics, name: 'cacheHits' | 'cacheMisses' | 'cacheErrors'): Promise<number> =>
  (await metrics[name].get()).values.reduce((sum, sample) => sum + sample.value, 0);

const product = (sku: string, unitPrice = 1250): ProductView => ({
  sku, name: 'Espresso machine', description: '', currency: 'EUR', unitPrice, stock: 10, reserved: 0, version: 1, updatedAt: new Date(0).toISOString(),
});

/** A catalog stand-in that counts its loads and answers after `delayMs`. */
function countingLoader(answer: ProductView, delayMs = 20) {
  const loader = {
    loads: 0,
    load: async (): Promise<ProductView> => {
      loader.loads += 1;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return answer;
    },
  };
  return loader;
}

let proxyServer: Server | undefined;
const proxySockets = new Set<Socket>();

/** A TCP proxy to the real Redis that can stop forwarding commands (a Redis frozen mid-run: connected, silent). */
async function stallableProxyTo(target: URL): Promise<{ port: number; stall(): void }> {
  let stalled = false;
  proxyServer = createServer((client) => {
    const upstream = connect(Number(target.port) || 6379, target.hostname);
    proxySockets.add(client).add(upstream);
    client.on('data', (chunk) => stalled || upstream.write(chunk));
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => proxyServer?.listen(port, '127.0.0.1', resolve));
  return { port, stall: () => (stalled = true) };
}

afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.onApplicationShutdown()));
  for (const socket of proxySockets) socket.destroy();
  await new Promise<void>((resolve) => (proxyServer ? proxyServer.close(() => resolve()) : resolve()));
  await dropKeys();
});

describe('ProductCache on Redis', () => {
  it('loads a cold product once and answers the next reads from the cache, on every replica', async () => {
    const sku = `SKU-${randomUUID()}`;
    const [a, b] = [await cacheOn(url), await cacheOn(url)];
    const catalog = countingLoader(product(sku));
    expect(await a.cache.product(sku, catalog.load)).toStrictEqual(product(sku));
    expect(await a.cache.product(sku, catalog.load)).toStrictEqual(product(sku));
    expect(await b.cache.product(sku, catalog.load)).toStrictEqual(product(sku));
    expect(catalog.loads).toBe(1);
    expect(await count(a.metrics, 'cacheMisses')).toBe(1);
    expect(await count(a.metrics, 'cacheHits')).toBe(1);
    expect(await count(b.metrics, 'cacheHits')).toBe(1);
  });

  it('stampede: 100 concurrent reads of a cold product load it once', async () => {
    const sku = `SKU-${randomUUID()}`;
    const { cache, metrics } = await cacheOn(url);
    const catalog = countingLoader(product(sku), 100);
    const answers = await Promise.all(Array.from({ length: 100 }, () => cache.product(sku, catalog.load)));
    expect(catalog.loads).toBe(1);
    // Each of the 100 reads counts once, as a miss: none was answered from Redis.
    expect(await count(metrics, 'cacheMisses')).toBe(100);
    expect(answers.every((answer) => answer.sku === sku)).toBe(true);
  });

  it('an eviction (each replica evicts on the event) makes every replica load the product again', async () => {
    const sku = `SKU-${randomUUID()}`;
    const [a, b] = [await cacheOn(url), await cacheOn(url)];
    await a.cache.product(sku, countingLoader(product(sku, 100)).load);
    await b.cache.product(sku, countingLoader(product(sku, 100)).load);
    await Promise.all([a.cache.evict([sku, sku]), b.cache.evict([sku])]);
    const repriced = countingLoader(product(sku, 200));
    expect((await a.cache.product(sku, repriced.load)).unitPrice).toBe(200);
    expect((await b.cache.product(sku, repriced.load)).unitPrice).toBe(200);
    expect(repriced.loads).toBe(1);
  });

  it('a replica that missed the eviction serves its own memory for at most a second, then reads the shared cache again', async () => {
    const sku = `SKU-${randomUUID()}`;
    const [a, b] = [await cacheOn(url), await cacheOn(url)];
    await a.cache.product(sku, countingLoader(product(sku, 100)).load);
    await b.cache.evict([sku]); // a did not hear the event
    const repriced = countingLoader(product(sku, 200));
    expect((await a.cache.product(sku, repriced.load)).unitPrice).toBe(100);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await a.cache.product(sku, repriced.load)).unitPrice).toBe(200);
    expect(repriced.loads).toBe(1);
  });

  it('does not keep a failed load: the next read asks again', async () => {
    const sku = `SKU-${randomUUID()}`;
    const { cache } = await cacheOn(url);
    await expect(cache.product(sku, () => Promise.reject(new Error('CATALOG.NOT_FOUND')))).rejects.toThrow('CATALOG.NOT_FOUND');
    const catalog = countingLoader(product(sku));
    expect(await cache.product(sku, catalog.load)).toStrictEqual(product(sku));
    expect(catalog.loads).toBe(1);
  });

  it('keeps an entry for PRODUCT_CACHE_TTL_SECONDS in Redis', async () => {
    const sku = `SKU-${randomUUID()}`;
    const { cache } = await cacheOn(url, { PRODUCT_CACHE_TTL_SECONDS: 30 });
    await cache.product(sku, countingLoader(product(sku)).load);
    const { Redis } = await import('ioredis');
    const admin = new Redis(url);
    const ttlMs = await admin.pttl(`${prefix}products:${sku}`);
    await admin.quit();
    expect(ttlMs).toBeGreaterThan(25_000);
    expect(ttlMs).toBeLessThanOrEqual(30_000);
  });

  it('is off with PRODUCT_CACHE_TTL_SECONDS=0 or without REDIS_URL: every read asks catalog', async () => {
    const sku = `SKU-${randomUUID()}`;
    for (const { cache, metrics } of [await cacheOn(url, { PRODUCT_CACHE_TTL_SECONDS: 0 }), await cacheOn(undefined)]) {
      const catalog = countingLoader(product(sku));
      await cache.product(sku, catalog.load);
      await cache.product(sku, catalog.load);
      await cache.evict([sku]);
      expect(catalog.loads).toBe(2);
      expect(await count(metrics, 'cacheHits') + await count(metrics, 'cacheMisses')).toBe(0);
    }
  });
});

describe('ProductCache when Redis fails', () => {
  it('Redis down: every read is answered by catalog, the failures are counted, nothing throws', async () => {
    const sku = `SKU-${randomUUID()}`;
    const { cache, metrics } = await cacheOn(`redis://127.0.0.1:${await freePort()}`);
    const catalog = countingLoader(product(sku));
    // Each read after an eviction (as a catalog event causes): the replica's own memory still works, Redis does not.
    for (let read = 0; read < 3; read++) {
      expect(await cache.product(sku, catalog.load)).toStrictEqual(product(sku));
      await expect(cache.evict([sku])).resolves.toBeUndefined();
    }
    expect(catalog.loads).toBe(3);
    expect(await count(metrics, 'cacheErrors')).toBeGreaterThanOrEqual(3);
    expect(await count(metrics, 'cacheMisses')).toBe(3);
    expect(await count(metrics, 'cacheHits')).toBe(0);
  });

  it('Redis stalls mid-run (connected, then silent): reads answer within the command timeout plus the load', async () => {
    const sku = `SKU-${randomUUID()}`;
    const proxy = await stallableProxyTo(new URL(url));
    const { cache, metrics } = await cacheOn(`redis://127.0.0.1:${proxy.port}`);
    await cache.product(sku, countingLoader(product(sku)).load);
    proxy.stall();
    await cache.evict([sku]); // forgets it in memory; the shared eviction times out
    const catalog = countingLoader(product(sku), 10);
    const started = Date.now();
    expect(await cache.product(sku, catalog.load)).toStrictEqual(product(sku));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(catalog.loads).toBe(1);
    expect(await count(metrics, 'cacheErrors')).toBeGreaterThanOrEqual(1);
  });
});
