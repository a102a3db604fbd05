// Live notification latency: order POSTs on an open-loop schedule, matched to the `order.created` frames
// that arrive on the users' SSE streams. Shared by notifications-latency.mjs and bench.mjs.
import { performance } from 'node:perf_hooks';

// Notifications still in flight when the schedule ends get this long to arrive before counting as lost.
const DRAIN_MS = 10_000;

const orderBody = JSON.stringify({ currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250 }] });

/** Opens the user's stream and calls onOrderNotification(orderId, receivedAt, storedToStreamMs) for each order.created event. */
export async function openStream(baseUrl, token, onOrderNotification) {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/v1/notifications/stream`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (res.status !== 200) throw new Error(`stream refused: ${res.status} ${await res.text()}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const receivedAt = performance.now();
        const receivedWallClock = Date.now();
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((line) => line.startsWith('data: '));
          if (!frame.includes('event: notification') || !data) continue;
          const notification = JSON.parse(data.slice(6));
          // createdAt = when notifications stored it (same machine clock): splits the two broker hops.
          if (notification.type === 'order.created') onOrderNotification(notification.data.orderId, receivedAt, receivedWallClock - Date.parse(notification.createdAt));
        }
      }
    } catch {
      // aborted at the end of the run
    }
  })();
  return () => abort.abort();
}

const percentile = (sorted, p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
const round = (value) => (value === null ? null : Math.round(value * 10) / 10);
export const latencyStats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50_ms: round(percentile(sorted, 50)), p90_ms: round(percentile(sorted, 90)), p99_ms: round(percentile(sorted, 99)), max_ms: round(sorted.at(-1) ?? null) };
};

/**
 * Sends `rate` orders per second for `seconds` (round-robin over the tokens, whatever the answers' timing)
 * and waits up to 10 s for their frames. `record.onNotification` must be what the streams call.
 */
export async function measureNotificationLatency({ baseUrl, tokens, seconds, rate, record }) {
  const sent = new Map(); // orderId → { requestedAt, createdAt }
  const arrived = new Map(); // orderId → receivedAt, for events that beat their POST answer
  const samples = { fromRequest: [], fromCreated: [], fromStored: [] };
  let failures = 0;
  let created = 0;
  const settle = (orderId) => {
    const order = sent.get(orderId);
    const receivedAt = arrived.get(orderId);
    if (!order || receivedAt === undefined) return;
    samples.fromRequest.push(receivedAt - order.requestedAt);
    samples.fromCreated.push(Math.max(0, receivedAt - order.createdAt));
    sent.delete(orderId);
    arrived.delete(orderId);
  };
  record.onNotification = (orderId, receivedAt, storedToStreamMs) => {
    samples.fromStored.push(Math.max(0, storedToStreamMs));
    arrived.set(orderId, receivedAt);
    settle(orderId);
  };
  const total = Math.round(seconds * rate);
  const start = performance.now();
  const inFlight = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const requestedAt = performance.now();
    inFlight.push(
      fetch(`${baseUrl}/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` },
        body: orderBody,
      }).then(async (res) => {
        const createdAt = performance.now();
        if (res.status !== 201) {
          failures++;
          await res.text();
          return;
        }
        const { id } = await res.json();
        created++;
        sent.set(id, { requestedAt, createdAt });
        settle(id);
      }, () => failures++),
    );
  }
  await Promise.all(inFlight);
  const drainUntil = performance.now() + DRAIN_MS;
  while (sent.size > 0 && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 50));
  return { orders: total, created, received: samples.fromRequest.length, lost: sent.size, failedRequests: failures, request_to_stream: latencyStats(samples.fromRequest), created_to_stream: latencyStats(samples.fromCreated), stored_to_stream: latencyStats(samples.fromStored) };
}

