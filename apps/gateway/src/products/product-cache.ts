import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { coalesceAsync } from '@cacheable/utils';
import { Redis } from 'ioredis';
import { Keyv } from 'keyv';
import { LRUCache } from 'lru-cache';
import type { ProductView } from '@plinth/contracts';
import { ServiceMetrics } from '@plinth/telemetry';
import { GatewayConfig } from '../config.js';
import { redisConnectionOf } from '../rate-limits/redis-connection.js';
import { RedisCacheStore } from './redis-cache-store.js';

const CACHE = 'products';
/** A Redis outage fails every lookup; one warning per interval says so without flooding the log. */
const WARN_INTERVAL_MS = 10_000;
/** Reads before the first connection would all count as failures; start-up waits this long for it at most. */
const CONNECT_WAIT_MS = 5_000;

/**
 * Each replica also keeps what it read in its own memory for this long: a hot product then costs no Redis round trip
 * at all. Events evict it there too; the short life bounds what a missed event (a broker reconnect) can leave.
 */
const LOCAL_TTL_MS = 1_000;
const LOCAL_MAX_PRODUCTS = 10_000;

// A function, not an inline comparison: TypeScript would keep `status` narrowed across the wait.
const isReady = (redis: Redis): boolean => redis.status === 'ready';

interface ProductRead {
  product: ProductView;
  from: 'cache' | 'catalog';
}

/**
 * Cache-aside for product reads, shared by every gateway replica in Redis (Keyv): concurrent reads of one product in
 * this replica share one lookup (`coalesceAsync`), so a cold key asks catalog once however many clients wait for it
 * and a hot one costs one Redis GET per round trip rather than per request. The answer is kept for
 * PRODUCT_CACHE_TTL_SECONDS, and catalog's product and stock events evict it (ProductCacheEvictions), so a
 * change is read through every replica as soon as its event arrives. When Redis fails or is slow, reads go to catalog
 * and keep answering: degraded, counted (cache_errors_total) and logged, never an error for the client.
 * Off without REDIS_URL (a per-replica cache could not be evicted for everyone) or with PRODUCT_CACHE_TTL_SECONDS=0.
 */
@Injectable()
export class ProductCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ProductCache.name);
  private readonly redis?: Redis;
  private readonly keyv?: Keyv<ProductView>;
  private readonly local = new LRUCache<string, ProductView>({ max: LOCAL_MAX_PRODUCTS, ttl: LOCAL_TTL_MS });
  private readonly ttlMs: number;
  private lastWarningAt = 0;

  constructor(
    config: GatewayConfig,
    private readonly metrics: ServiceMetrics,
  ) {
    this.ttlMs = config.PRODUCT_CACHE_TTL_SECONDS * 1000;
    const connection = redisConnectionOf(config);
    if (!connection || config.PRODUCT_CACHE_TTL_SECONDS === 0) return;
    // Fail fast rather than queue: a cache must never make a read slower than asking catalog.
    this.redis = new Redis(connection.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.CACHE_COMMAND_TIMEOUT_MS,
      ...(connection.tls ? { tls: connection.tls } : {}),
    });
    this.redis.on('error', () => undefined);
    const store = new RedisCacheStore(this.redis, (operation, error) => {
      metrics.cacheErrors.inc({ cache: CACHE, operation });
      this.warn(operation, error);
    });
    this.keyv = new Keyv<ProductView>({ store, namespace: `${config.CACHE_KEY_PREFIX}${CACHE}` });
  }

  async onModuleInit(): Promise<void> {
    const redis = this.redis;
    if (!redis || isReady(redis)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CONNECT_WAIT_MS);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (!isReady(redis)) this.logger.warn(`product cache not reachable after ${CONNECT_WAIT_MS} ms; reading from catalog until it is`);
  }

  /**
   * The product from the cache, or `load`ed (and kept) when it is not there; a failed load is not kept. Every read
   * counts once: a hit, or a miss (also when Redis failed: the error is counted besides).
   */
  async product(sku: string, load: () => Promise<ProductView>): Promise<ProductView> {
    const keyv = this.keyv;
    if (!keyv) return load();
    const known = this.local.get(sku);
    if (known) {
      this.metrics.cacheHits.inc({ cache: CACHE });
      return known;
    }
    const { product, from } = await coalesceAsync(`${CACHE}:${sku}`, () => this.lookup(keyv, sku, load));
    (from === 'cache' ? this.metrics.cacheHits : this.metrics.cacheMisses).inc({ cache: CACHE });
    return product;
  }

  /** Forgets these products in this replica's memory and in Redis (every replica does so on the same event); a Redis failure is counted and left to the TTL. */
  async evict(skus: readonly string[]): Promise<void> {
    if (!this.keyv || skus.length === 0) return;
    for (const sku of skus) this.local.delete(sku);
    await this.keyv.delete([...new Set(skus)]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  private async lookup(keyv: Keyv<ProductView>, sku: string, load: () => Promise<ProductView>): Promise<ProductRead> {
    const cached = await keyv.get(sku);
    if (cached !== undefined) {
      this.local.set(sku, cached);
      return { product: cached, from: 'cache' };
    }
    const product = await load();
    this.local.set(sku, product);
    await keyv.set(sku, product, this.ttlMs);
    return { product, from: 'catalog' };
  }

  private warn(operation: string, error: unknown): void {
    if (Date.now() - this.lastWarningAt < WARN_INTERVAL_MS) return;
    this.lastWarningAt = Date.now();
    this.logger.warn({ err: error }, `product cache unavailable (${operation}); reading from catalog until Redis answers again`);
  }
}
