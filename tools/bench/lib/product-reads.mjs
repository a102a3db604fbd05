// GET /v1/products/{sku} through the gateway's Redis cache vs with it off, on the same running system: two extra
// gateway replicas that differ only in PRODUCT_CACHE_TTL_SECONDS (both keep their rate limits in the same Redis, so
// the cache is the only difference), measured in alternating rounds, with the cached one's hit ratio read from its
// own /metrics over the measured runs.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { runLoad, summarizeLoad } from './http-load.mjs';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The product the bench's orders buy (seeded by startSystem's TEST_PRODUCTS). */
export const PRODUCT_PATH = '/v1/products/SKU-1';

const sampleSum = (exposition, name) =>
  exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes('cache="products"'))
    .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

async function cacheCounts(gatewayUrl) {
  const exposition = await (await fetch(`${gatewayUrl}/metrics`)).text();
  return { hits: sampleSum(exposition, 'cache_hits_total'), misses: sampleSum(exposition, 'cache_misses_total'), errors: sampleSum(exposition, 'cache_errors_total') };
}

/** Starts the two replicas; returns their URLs and a stop() that also drops this run's keys. */
export async function startProductGateways(testing, system, readyTimeoutMs) {
  const prefix = `plinth-bench-${randomUUID().slice(0, 8)}:`;
  const common = { ...system.env, REDIS_URL, CACHE_KEY_PREFIX: `${prefix}cache:`, RATE_LIMIT_KEY_PREFIX: `${prefix}rate-limit:` };
  const gateways = {};
  for (const [face, ttlSeconds] of [['cached', '60'], ['uncached', '0']]) {
    const port = await testing.freePort();
    gateways[face] = new testing.ServiceProcess('gateway', port, { ...common, PORT: String(port), PRODUCT_CACHE_TTL_SECONDS: ttlSeconds });
    gateways[face].start();
  }
  const stop = async () => {
    await Promise.all(Object.values(gateways).map((gateway) => gateway.stop()));
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  };
  try {
    await Promise.all(Object.values(gateways).map((gateway) => gateway.waitUntilReady(readyTimeoutMs)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: { cached: gateways.cached.url, uncached: gateways.uncached.url }, stop };
}

/**
 * `rounds` alternating runs per face (warm-up, then `seconds` measured); the hit ratio counts only the cached
 * face's measured runs: hits / (hits + misses), reads answered from Redis among all reads.
 */
export async function measureProductReads({ urls, tokens, rounds, warmup, seconds, connections, orderForRound, onStep, onRun }) {
  const runs = { cached: [], uncached: [] };
  const counted = { hits: 0, misses: 0, errors: 0 };
  const scenario = { method: 'GET', path: PRODUCT_PATH };
  for (let round = 1; round <= rounds; round++) {
    for (const face of orderForRound(['cached', 'uncached'], round)) {
      onStep(round, face);
      const load = (duration) => runLoad({ baseUrl: urls[face], tokens, scenario, seconds: duration, connections });
      if (warmup > 0) await load(warmup);
      const before = face === 'cached' ? await cacheCounts(urls.cached) : undefined;
      const summary = summarizeLoad('product', face, await load(seconds));
      if (before) {
        const after = await cacheCounts(urls.cached);
        for (const outcome of Object.keys(counted)) counted[outcome] += after[outcome] - before[outcome];
        summary.cache = { hits: after.hits - before.hits, misses: after.misses - before.misses, errors: after.errors - before.errors };
      }
      runs[face].push(summary);
      onRun(round, face, summary);
    }
  }
  const reads = counted.hits + counted.misses;
  return { ...runs, path: PRODUCT_PATH, cacheCounts: counted, hitRatio: reads > 0 ? Math.round((counted.hits / reads) * 10_000) / 10_000 : undefined };
}
