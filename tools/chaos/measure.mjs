// What clients saw (status counts, hangs, Retry-After, throughput recovery) and what the stores hold
// (every acknowledged order exactly once, exactly one `order.created` notification each; the stock saga
// settled with catalog's reservations matching the orders that hold stock).
import { isSuccess } from './order-load.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A request that took longer than the gateway's RPC timeout (5 s) plus this margin counts as hung. */
export const HANG_MS = 7_000;

export function clientView(records) {
  const byStatus = {};
  for (const record of records) if (!isSuccess(record)) byStatus[record.status] = (byStatus[record.status] ?? 0) + 1;
  const failures = records.filter((record) => !isSuccess(record));
  return {
    sent: records.length,
    ok: records.length - failures.length,
    byStatus,
    hung: records.filter((record) => record.ended - record.started > HANG_MS).length,
    maxLatencyMs: Math.max(0, ...records.map((record) => record.ended - record.started)),
    // 503/504 must tell the client when to come back.
    unavailableWithoutRetryAfter: failures.filter((record) => (record.status === 503 || record.status === 504) && !record.retryAfter).length,
    failures,
  };
}

/** Successful completions per second over [from, to). */
function okRate(records, from, to) {
  const count = records.filter((record) => isSuccess(record) && record.ended >= from && record.ended < to).length;
  return (count * 1000) / Math.max(1, to - from);
}

/**
 * ms from `returnedAt` until the first 1 s window whose 2xx rate is at least `fraction` of the rate in
 * the baseline window; undefined if it never got there before the load stopped.
 */
export function throughputRecoveryMs(records, { baselineFrom, baselineTo, returnedAt, until, fraction = 0.7 }) {
  const baseline = okRate(records, baselineFrom, baselineTo);
  for (let start = returnedAt; start + 1000 <= until; start += 100) {
    if (okRate(records, start, start + 1000) >= baseline * fraction) return { ms: start - returnedAt, baselinePerSecond: baseline };
  }
  return { ms: undefined, baselinePerSecond: baseline };
}

/**
 * Waits (up to `timeoutMs`) until every order in the orders database has its notification and both
 * outboxes are empty, then compares the stores with what clients were told.
 */
export async function verifyStores(system, records, { since, timeoutMs = 90_000 } = {}) {
  const sentKeys = new Set(records.map((record) => record.key));
  // This scenario's orders: its keys, plus anything else created since it began (an order without a key
  // or under a key nobody sent would be a duplicate). Earlier scenarios on the same system are left out.
  const { orders, notificationsPerOrder, unsentOutbox } = await pollUntil(
    () => readStores(system, sentKeys, since),
    (snapshot) => snapshot.ordersWithoutNotification === 0 && snapshot.unsentOutbox === 0,
    timeoutMs,
  );

  const answeredIds = new Map(); // Idempotency-Key → order ids the clients were given for it
  for (const record of records.filter(isSuccess)) {
    const ids = answeredIds.get(record.key) ?? new Set();
    ids.add(record.orderId);
    answeredIds.set(record.key, ids);
  }
  const stored = new Map(orders.map((row) => [row.id, row.key]));
  const acknowledged = [...answeredIds.values()].flatMap((ids) => [...ids]);
  const lostOrders = acknowledged.filter((id) => !stored.has(id)).length;
  const duplicateOrders =
    [...answeredIds.values()].reduce((sum, ids) => sum + ids.size - 1, 0) +
    orders.filter((row) => !row.key || !sentKeys.has(row.key)).length;
  const lostNotifications = orders.filter((row) => !notificationsPerOrder.has(row.id)).length;
  const duplicateNotifications = [...notificationsPerOrder.values()].reduce((sum, count) => sum + count - 1, 0);
  return {
    storedOrders: orders.length,
    acknowledgedOrders: acknowledged.length,
    lostOrders,
    duplicateOrders,
    lostNotifications,
    duplicateNotifications,
    unsentOutbox,
    lost: lostOrders + lostNotifications,
    duplicated: duplicateOrders + duplicateNotifications,
  };
}

// Orders that hold their stock: catalog gives a reservation back only when the order is cancelled.
const HOLDING_STOCK = ['confirmed', 'shipped', 'delivered'];

/**
 * The stock saga settled with no stock lost. Waits (up to `timeoutMs`) until no order in the system is pending
 * and catalog's outbox is empty, then compares, over the whole system (reservations accumulate across
 * scenarios): catalog's `reserved` per sku with the quantities of the orders holding stock, and catalog's
 * `reserved` reservations with those orders (one each, none for any other order). `statuses` counts the orders
 * created since `since`.
 */
export async function verifyStock(system, { since, timeoutMs = 90_000 } = {}) {
  await pollUntil(() => readSagaBacklog(system), (backlog) => backlog.pending === 0 && backlog.unsentCatalogOutbox === 0, timeoutMs);
  const statusRows = await system.query('orders', 'select status, count(*)::int as count from orders where created_at >= $1 group by 1', [new Date(since)]);
  const held = await system.query(
    'orders',
    `select l.sku, sum(l.quantity)::int as quantity from orders o cross join jsonb_to_recordset(o.items) as l(sku text, quantity int)
      where o.status = any($1) group by 1`,
    [HOLDING_STOCK],
  );
  const holding = new Set((await system.query('orders', 'select id from orders where status = any($1)', [HOLDING_STOCK])).map((row) => row.id));
  const reservedFor = new Set((await system.query('catalog', "select order_id from stock_reservations where status = 'reserved'")).map((row) => row.order_id));
  const products = await system.query('catalog', 'select sku, stock, reserved from products');

  const heldBySku = new Map(held.map((row) => [row.sku, row.quantity]));
  const skus = [...new Set([...products.map((row) => row.sku), ...heldBySku.keys()])].map((sku) => {
    const product = products.find((row) => row.sku === sku);
    return { sku, stock: product?.stock ?? 0, reserved: product?.reserved ?? 0, held: heldBySku.get(sku) ?? 0 };
  });
  return {
    statuses: Object.fromEntries(statusRows.map((row) => [row.status, row.count])),
    skus,
    stockMismatches: skus.filter((row) => row.reserved !== row.held).length,
    holdingWithoutReservation: [...holding].filter((id) => !reservedFor.has(id)).length,
    reservationsWithoutHolder: [...reservedFor].filter((id) => !holding.has(id)).length,
  };
}

async function readSagaBacklog(system) {
  const [{ count: pending }] = await system.query('orders', "select count(*)::int as count from orders where status = 'pending'");
  const [{ count: unsentCatalogOutbox }] = await system.query('catalog', 'select count(*)::int as count from outbox_message where sent_at is null');
  return { pending, unsentCatalogOutbox };
}

/**
 * Reads `read()` every 500 ms until `settled(snapshot)` or `timeoutMs` passed, and returns the last snapshot
 * (settled or not: the caller's checks say what was left). A read that fails (the database still coming
 * back) is retried; only the last one's error is thrown.
 */
async function pollUntil(read, settled, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snapshot = await read().then(
      (value) => ({ value }),
      (error) => ({ error }),
    );
    if ((!snapshot.error && settled(snapshot.value)) || Date.now() > deadline) {
      if (snapshot.error) throw snapshot.error;
      return snapshot.value;
    }
    await sleep(500);
  }
}

async function readStores(system, sentKeys, since) {
  const orders = (
    await system.query('orders', 'select o.id, k.key from orders o left join order_idempotency_keys k on k.order_id = o.id where k.key = any($1) or o.created_at >= $2', [
      [...sentKeys],
      new Date(since),
    ])
  );
  const notificationRows = await system.query(
    'notifications',
    "select data->>'orderId' as order_id, count(*)::int as count from notifications where type = 'order.created' group by 1",
  );
  const notificationsPerOrder = new Map(notificationRows.map((row) => [row.order_id, row.count]));
  const [{ count: unsentOrders }] = await system.query('orders', 'select count(*)::int as count from outbox_message where sent_at is null');
  const [{ count: unsentNotifications }] = await system.query('notifications', 'select count(*)::int as count from outbox_message where sent_at is null');
  return {
    orders,
    notificationsPerOrder,
    ordersWithoutNotification: orders.filter((row) => !notificationsPerOrder.has(row.id)).length,
    unsentOutbox: unsentOrders + unsentNotifications,
  };
}

/** Which of the failed requests had in fact been applied (their key is stored): a retry must replay them. */
export async function appliedDespiteFailure(system, failures) {
  if (failures.length === 0) return 0;
  const rows = await system.query('orders', 'select key from order_idempotency_keys where key = any($1)', [failures.map((record) => record.key)]);
  return rows.length;
}
