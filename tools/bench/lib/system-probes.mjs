// What the bench reads off a running system besides HTTP figures: each service's resident memory and
// start → ready time (footprint), and whether every created order got exactly one notification.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/**
 * pid of our child process running apps/<service>/dist/main.js (the services are our direct children);
 * with `port`, the one listening there (its PORT variable), for benches that run two systems at once.
 */
export function pidOfService(service, port) {
  const marker = `/apps/${service}/dist/main.js`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may contain spaces, so split after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').some((arg) => arg.endsWith(marker))) continue;
      if (port === undefined || readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`PORT=${port}`)) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

/**
 * Resident memory of a process in MB: VmRSS (the target's figure, shared and file-backed pages included)
 * and its anonymous (heaps) and file-backed (binary, libraries) parts, to see what a reduction must cut.
 */
export function residentMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : undefined;
  };
  return { rssMb: mb('VmRSS'), anonMb: mb('RssAnon'), fileMb: mb('RssFile') };
}

/**
 * Whether a series of idle RSS totals ([{ atMs, totalMb }]) has settled. A fresh Node process keeps the heap it
 * grew while starting (young generation up to tens of MB per semi-space) until V8's memory reducer runs, after
 * it has idled for a while (~100 s here); then RSS drops by a quarter or more. Settled = dropped by at least
 * `minDrop` from the first reading and unchanged (within 1 %) for `quietMs` since. Pure.
 */
export function idleSettled(history, { quietMs = 15_000, minDrop = 0.05 } = {}) {
  if (history.length < 2) return false;
  const first = history[0].totalMb;
  const dropIndex = history.findIndex((reading) => reading.totalMb <= first * (1 - minDrop));
  if (dropIndex < 0) return false;
  const last = history.at(-1);
  if (last.atMs - history[dropIndex].atMs < quietMs) return false;
  const recent = history.filter((reading) => reading.atMs >= last.atMs - quietMs).map((reading) => reading.totalMb);
  return Math.max(...recent) - Math.min(...recent) <= 0.01 * last.totalMb;
}

/**
 * Idle RSS of each process (name → pid), polled every 5 s until the total has settled or `maxMs` passed:
 * { processes: { name: { pid, rssMb, anonMb, fileMb, rssAtStartMb } }, settled, seconds }.
 */
export async function idleFootprint(pids, { maxMs, pollMs = 5_000, onReading = () => {} }) {
  const startedAt = performance.now();
  const history = [];
  const first = {};
  let latest = {};
  for (;;) {
    latest = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? {} : residentMemory(pid)]));
    for (const [name, figures] of Object.entries(latest)) first[name] ??= figures.rssMb;
    const atMs = performance.now() - startedAt;
    history.push({ atMs, totalMb: Object.values(latest).reduce((total, figures) => total + (figures.rssMb ?? 0), 0) });
    onReading(history.at(-1).totalMb, Math.round(atMs / 1000));
    if (idleSettled(history) || atMs >= maxMs) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const processes = Object.fromEntries(Object.entries(latest).map(([name, figures]) => [name, { pid: pids[name], ...figures, rssAtStartMb: first[name] }]));
  return { processes, settled: idleSettled(history), seconds: Math.round(history.at(-1).atMs / 1000) };
}

/**
 * Restarts one service of a running system and times spawn → first /readyz 200, polling every 20 ms
 * (startSystem's own wait polls every 150 ms, too coarse for a 3 s target).
 */
export async function timeRestart(system, service) {
  await system.kill(service);
  const startedAt = performance.now();
  const restarted = system.start(service); // spawns synchronously, then waits for /readyz itself
  let readyAt;
  while (readyAt === undefined) {
    try {
      const response = await fetch(`${system.urlOf(service)}/readyz`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) readyAt = performance.now();
    } catch {
      // not listening yet
    }
    if (readyAt === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    if (performance.now() - startedAt > 180_000) break;
  }
  await restarted;
  return readyAt === undefined ? undefined : readyAt - startedAt;
}

async function query(databaseUrl, text) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** Compares the orders table with the order.created notifications, order by order. Pure. */
export function compareOrdersWithNotifications(orderIds, notifiedOrderIds, acknowledged) {
  const notifications = new Map();
  for (const id of notifiedOrderIds) notifications.set(id, (notifications.get(id) ?? 0) + 1);
  let withoutNotification = 0;
  let duplicated = 0;
  for (const id of orderIds) {
    const count = notifications.get(id) ?? 0;
    if (count === 0) withoutNotification++;
    else if (count > 1) duplicated++;
  }
  const known = new Set(orderIds);
  const notificationsWithoutOrder = [...notifications.keys()].filter((id) => !known.has(id)).length;
  // An order answered 201 but missing from the table would be a lost write.
  const lostOrders = Math.max(0, acknowledged - orderIds.length);
  return {
    acknowledged,
    ordersInDb: orderIds.length,
    notifications: notifiedOrderIds.length,
    withoutNotification,
    duplicated,
    notificationsWithoutOrder,
    lostOrders,
    mismatched: withoutNotification + duplicated + notificationsWithoutOrder + lostOrders,
  };
}

const ORDERS = 'SELECT id FROM orders';
const NOTIFIED_ORDERS = "SELECT data->>'orderId' AS order_id FROM notifications WHERE type = 'order.created'";
const countOf = async (databaseUrl, select) => Number((await query(databaseUrl, `SELECT count(*) AS n FROM (${select}) AS rows`))[0].n);

/**
 * Waits until the notifications caught up with the orders: after a load run the outbox relay and the
 * notifications service still work off a backlog, which must neither steal CPU from the next measured
 * run (the yardstick's) nor count as lost. Gives up after `stallMs` without progress.
 */
export async function waitForNotifications(system, { stallMs = 20_000, onWait = () => {} } = {}) {
  const startedAt = performance.now();
  const counts = async () => [await countOf(system.databaseUrlOf('orders'), ORDERS), await countOf(system.databaseUrlOf('notifications'), NOTIFIED_ORDERS)];
  let [orders, notified] = await counts();
  let lastProgressAt = performance.now();
  while (notified < orders && performance.now() - lastProgressAt < stallMs) {
    onWait(notified, orders);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const [nextOrders, nextNotified] = await counts();
    if (nextNotified > notified) lastProgressAt = performance.now();
    [orders, notified] = [nextOrders, nextNotified];
  }
  return { orders, notified, waitedMs: Math.round(performance.now() - startedAt) };
}

/** After the last order: does every order have exactly one notification, and is every 201 in the table? */
export async function checkOrderNotifications(system, acknowledged, options) {
  await waitForNotifications(system, options);
  const orderIds = (await query(system.databaseUrlOf('orders'), ORDERS)).map((row) => row.id);
  const notified = (await query(system.databaseUrlOf('notifications'), NOTIFIED_ORDERS)).map((row) => row.order_id);
  return compareOrdersWithNotifications(orderIds, notified, acknowledged);
}
