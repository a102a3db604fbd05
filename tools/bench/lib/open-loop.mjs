// Open-loop load: requests leave on a fixed clock (a constant arrival rate), whatever the answers' timing,
// and each latency is measured from the request's SCHEDULED send time. A closed-loop client (autocannon)
// waits for an answer before sending the next request, so when the server stalls it simply sends less and
// the stall never shows in its percentiles (coordinated omission); here a stall delays every request
// scheduled during it, and their latencies include the wait.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** When request `index` is due, in ms after the start, at `rate` requests per second. Pure. */
export const scheduledAt = (index, rate) => (index * 1000) / rate;

/** How many requests a run of `seconds` at `rate` sends (at least one). Pure. */
export const scheduledCount = (rate, seconds) => Math.max(1, Math.round(rate * seconds));

/**
 * Nearest-rank percentile of an ascending array (the smallest value with at least p % of the samples at or
 * below it); null for no samples. Pure.
 */
export const percentile = (sorted, p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);

const round = (value) => (value === null ? null : Math.round(value * 100) / 100);

/** p50/p90/p99/max of latencies in ms. Pure. */
export const latencyStats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50_ms: round(percentile(sorted, 50)), p90_ms: round(percentile(sorted, 90)), p99_ms: round(percentile(sorted, 99)), max_ms: round(sorted.at(-1) ?? null), count: sorted.length };
};

/**
 * A keep-alive HTTP client for the open-loop run: connections are opened as needed (up to `maxSockets`)
 * and reused, so a request never waits for a TCP handshake unless the server is already behind.
 */
export function keepAliveClient(baseUrl, { maxSockets = 512 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets, scheduling: 'fifo' });
  const { hostname, port } = new URL(baseUrl);
  const request = ({ method, path, headers, body }) =>
    new Promise((resolve) => {
      const req = http.request({ agent, hostname, port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => resolve({ status: 0, error }));
      });
      req.on('error', (error) => resolve({ status: 0, error }));
      req.end(body);
    });
  return { request, close: () => agent.destroy() };
}

/**
 * Sends `rate` requests per second for `seconds`: request i leaves at start + i/rate (the event loop's
 * lateness shows as `maxSendLagMs`), built by `requestOf(i)`, and `onAnswer(i, answer, answeredAt)` is told
 * of each answer. Resolves when every answer has arrived, with the latencies from the scheduled times.
 */
export async function runOpenLoop({ client, rate, seconds, requestOf, onAnswer = () => {}, expectStatus = 201 }) {
  const total = scheduledCount(rate, seconds);
  const latencies = [];
  let failed = 0;
  let maxSendLagMs = 0;
  const answers = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + scheduledAt(i, rate);
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    answers.push(
      client.request(requestOf(i)).then((answer) => {
        const answeredAt = performance.now();
        if (answer.status === expectStatus) latencies.push(answeredAt - due);
        else failed++;
        onAnswer(i, answer, answeredAt, due);
      }),
    );
  }
  const sentSeconds = (performance.now() - start) / 1000;
  await Promise.all(answers);
  const allAnsweredSeconds = (performance.now() - start) / 1000;
  return {
    rate,
    seconds,
    sent: total,
    ok: latencies.length,
    failed,
    // The rate the server kept up with: answers per second until the last one arrived.
    achievedRate: Math.round((latencies.length / allAnsweredSeconds) * 10) / 10,
    sentRate: Math.round((total / sentSeconds) * 10) / 10,
    maxSendLagMs: round(maxSendLagMs),
    ...latencyStats(latencies),
  };
}
