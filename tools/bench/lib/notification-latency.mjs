// Live notification latency: order POSTs on an open-loop schedule, matched to the `order.created` frames
// that arrive on the users' SSE streams, and to the `order.status-changed` frames that say the stock saga
// confirmed the order. Shared by notifications-latency.mjs and bench.mjs.
import { performance } from 'node:perf_hooks';
import { orderBody } from './http-load.mjs';
import { keepAliveClient, latencyStats, runOpenLoop } from './open-loop.mjs';

// Notifications still in flight when the schedule ends get this long to arrive before counting as lost.
const DRAIN_MS = 10_000;

const kindOf = (notification) => {
  if (notification.type === 'order.created') return 'created';
  return notification.type === 'order.status-changed' && notification.data?.to === 'confirmed' ? 'confirmed' : undefined;
};

/**
 * Opens the user's stream and calls onOrderNotification(orderId, receivedAt, storedToStreamMs, kind) for each
 * order.created (kind 'created') and each status change to confirmed (kind 'confirmed').
 */
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
          const kind = kindOf(notification);
          if (kind) onOrderNotification(notification.data.orderId, receivedAt, receivedWallClock - Date.parse(notification.createdAt), kind);
        }
      }
    } catch (error) {
      // Aborted at the end of the run; anything else would silently turn every notification into "lost".
      if (!abort.signal.aborted) throw error;
    }
  })();
  return () => abort.abort();
}

/**
 * Sends `rate` orders per second for `seconds` on a fixed clock (lib/open-loop.mjs: round-robin over the
 * tokens, latencies from the scheduled send time) and waits up to 10 s for their frames.
 * `record.onNotification` must be what the streams call. Besides the stream latencies it returns the
 * POSTs' own open-loop figures (`post`).
 */
export async function measureNotificationLatency({ baseUrl, tokens, seconds, rate, record }) {
  const sent = new Map(); // orderId → { requestedAt, createdAt }
  const arrived = new Map(); // orderId → receivedAt, for events that beat their POST answer
  const samples = { fromRequest: [], fromCreated: [], fromStored: [], requestToConfirmed: [] };
  // The saga's outcome: POST scheduled → `confirmed` frame, however the frame and the POST answer interleave.
  const unconfirmed = new Map(); // orderId → requestedAt
  const confirmedAt = new Map(); // orderId → receivedAt
  const settleConfirmed = (orderId) => {
    const requestedAt = unconfirmed.get(orderId);
    const receivedAt = confirmedAt.get(orderId);
    if (requestedAt === undefined || receivedAt === undefined) return;
    samples.requestToConfirmed.push(receivedAt - requestedAt);
    unconfirmed.delete(orderId);
    confirmedAt.delete(orderId);
  };
  const settle = (orderId) => {
    const order = sent.get(orderId);
    const receivedAt = arrived.get(orderId);
    if (!order || receivedAt === undefined) return;
    samples.fromRequest.push(receivedAt - order.requestedAt);
    samples.fromCreated.push(Math.max(0, receivedAt - order.createdAt));
    sent.delete(orderId);
    arrived.delete(orderId);
  };
  record.onNotification = (orderId, receivedAt, storedToStreamMs, kind) => {
    if (kind === 'confirmed') {
      confirmedAt.set(orderId, receivedAt);
      settleConfirmed(orderId);
      return;
    }
    samples.fromStored.push(Math.max(0, storedToStreamMs));
    arrived.set(orderId, receivedAt);
    settle(orderId);
  };
  const client = keepAliveClient(baseUrl);
  let post;
  try {
    post = await runOpenLoop({
      client,
      rate,
      seconds,
      requestOf: (i) => ({ method: 'POST', path: '/v1/orders', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` }, body: orderBody }),
      onAnswer: (_i, answer, answeredAt, scheduledFor) => {
        if (answer.status !== 201) return;
        const { id } = JSON.parse(answer.body);
        sent.set(id, { requestedAt: scheduledFor, createdAt: answeredAt });
        unconfirmed.set(id, scheduledFor);
        settle(id);
        settleConfirmed(id);
      },
    });
  } finally {
    client.close();
  }
  const drainUntil = performance.now() + DRAIN_MS;
  while ((sent.size > 0 || unconfirmed.size > 0) && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    orders: post.sent,
    created: post.ok,
    received: samples.fromRequest.length,
    lost: sent.size,
    unconfirmed: unconfirmed.size,
    failedRequests: post.failed,
    post,
    request_to_stream: latencyStats(samples.fromRequest),
    created_to_stream: latencyStats(samples.fromCreated),
    stored_to_stream: latencyStats(samples.fromStored),
    request_to_confirmed: latencyStats(samples.requestToConfirmed),
  };
}
