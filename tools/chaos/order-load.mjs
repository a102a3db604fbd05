// Steady POST /v1/orders load with one unique Idempotency-Key per intended order, every answer recorded
// (status, Retry-After, latency, order id) so a scenario can judge what clients saw and verify the stores.
import { randomUUID } from 'node:crypto';

const ORDER_BODY = JSON.stringify({ currency: 'EUR', items: [{ sku: 'CHAOS-1', quantity: 1, unitPrice: 1000 }] });
const CLIENT_TIMEOUT_MS = 30_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function registerUsers(gatewayUrl, count) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await fetch(`${gatewayUrl}/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `chaos-${i}-${randomUUID().slice(0, 8)}@example.com`, password: 'chaos password 0001', displayName: `Chaos ${i}` }),
      });
      if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
      return (await response.json()).accessToken;
    }),
  );
}

/** True when the request never reached a server (nothing was sent), so another replica may take it. */
const neverSent = (error) => ['ECONNREFUSED'].includes(error?.cause?.code ?? error?.code);

/**
 * Spreads requests over the gateways that answer /readyz 200, as a load balancer with readiness probes
 * and connect-retry (nginx `proxy_next_upstream error`) does. With one gateway it is simply that gateway.
 */
export class GatewayBalancer {
  #ready;
  #out = new Set();
  #next = 0;
  #timer;

  constructor(urls, probeIntervalMs = 200) {
    this.urls = urls;
    this.#ready = [...urls];
    if (urls.length > 1) this.#timer = setInterval(() => void this.#probe(), probeIntervalMs);
  }

  async #probe() {
    const results = await Promise.all(
      this.urls.map((url) =>
        fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) })
          .then((response) => response.ok)
          .catch(() => false),
      ),
    );
    const ready = this.urls.filter((_, i) => results[i]);
    this.#ready = ready.length > 0 ? ready : [...this.urls];
  }

  /** Out of rotation regardless of readiness (the scenario is about to stop it), until include(). */
  exclude(url) {
    this.#out.add(url);
  }

  include(url) {
    this.#out.delete(url);
  }

  pick(excluded = []) {
    const candidates = this.#ready.filter((url) => !excluded.includes(url) && !this.#out.has(url));
    const pool = candidates.length > 0 ? candidates : this.urls.filter((url) => !excluded.includes(url));
    return pool[this.#next++ % pool.length];
  }

  close() {
    clearInterval(this.#timer);
  }
}

/** Sends one create; resolves with the attempt record (never rejects). */
export async function createOrder(balancer, token, key) {
  const started = Date.now();
  const tried = [];
  for (;;) {
    const url = balancer.pick(tried);
    tried.push(url);
    try {
      const response = await fetch(`${url}/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
        body: ORDER_BODY,
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      });
      const text = await response.text();
      let orderId;
      if (response.ok) orderId = JSON.parse(text).id;
      return {
        key,
        started,
        ended: Date.now(),
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        replayed: response.headers.get('idempotent-replayed') === 'true',
        orderId,
        body: response.ok ? undefined : text.slice(0, 300),
      };
    } catch (error) {
      if (neverSent(error) && tried.length < balancer.urls.length) continue;
      const code = error?.name === 'TimeoutError' ? 'timeout' : (error?.cause?.code ?? error?.code ?? 'network');
      return { key, started, ended: Date.now(), status: code, error: String(error?.cause?.message ?? error?.message) };
    }
  }
}

/**
 * Closed loop of `concurrency` workers, at most `ratePerSecond` starts per second, until stop(). Every
 * request has its own Idempotency-Key; `records` holds every answer in order of completion.
 */
export class OrderLoad {
  records = [];
  inFlight = 0;
  #stopped = false;
  #workers = [];
  #tokenIndex = 0;

  constructor({ balancer, tokens, concurrency = 8, ratePerSecond = 40 }) {
    this.balancer = balancer;
    this.tokens = tokens;
    this.concurrency = concurrency;
    this.intervalMs = 1000 / ratePerSecond;
    this.keyToken = new Map();
  }

  start() {
    this.startedAt = Date.now();
    let nextSlot = Date.now();
    const worker = async () => {
      while (!this.#stopped) {
        const wait = nextSlot - Date.now();
        nextSlot = Math.max(nextSlot, Date.now()) + this.intervalMs;
        if (wait > 0) await sleep(wait);
        if (this.#stopped) break;
        const token = this.tokens[this.#tokenIndex++ % this.tokens.length];
        const key = `chaos-${randomUUID()}`;
        this.keyToken.set(key, token);
        this.inFlight += 1;
        const record = await createOrder(this.balancer, token, key);
        this.inFlight -= 1;
        this.records.push(record);
      }
    };
    this.#workers = Array.from({ length: this.concurrency }, worker);
    return this;
  }

  async stop() {
    this.#stopped = true;
    await Promise.all(this.#workers);
    this.stoppedAt = Date.now();
  }

  /** Re-sends every failed request with its own Idempotency-Key until it gets a 2xx (bounded). */
  async retryFailures({ attempts = 10 } = {}) {
    const failed = this.records.filter((record) => !isSuccess(record));
    const retries = [];
    for (const original of failed) {
      let record;
      for (let attempt = 0; attempt < attempts; attempt += 1) {
        record = await createOrder(this.balancer, this.keyToken.get(original.key), original.key);
        if (isSuccess(record)) break;
        await sleep(500);
      }
      retries.push(record);
    }
    return retries;
  }
}

export const isSuccess = (record) => typeof record.status === 'number' && record.status >= 200 && record.status < 300;
