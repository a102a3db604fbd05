// The fault scenarios of issue 9. Each runs against a ChaosSystem under steady order load and returns one
// table row: what clients saw, what the stores hold, recovery time and a list of named checks (verdict =
// all checks pass).
import { readFileSync } from 'node:fs';
import amqp from 'amqplib';
import { EVENTS_EXCHANGE } from '@plinth/contracts';
import { deadLetterQueueOf, eventsQueueOf } from '@plinth/messaging';
import { appliedDespiteFailure, clientView, HANG_MS, throughputRecoveryMs, verifyStock, verifyStores } from './measure.mjs';
import { GatewayBalancer, isSuccess, OrderLoad } from './order-load.mjs';
import { listDeadLetters, peekDeadLetters } from '../dlq/dead-letters.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const check = (name, ok, detail = '') => ({ name, ok: Boolean(ok), detail });

/**
 * Runs `fault` while the order load is on: `warmupMs` of baseline first, `settleMs` of load after the fault
 * returned. `fault(phase)` reports its steps through `phase(text)` and returns the time the faulty part came back.
 */
async function underLoad(ctx, { warmupMs = 4_000, settleMs = 8_000, rate, concurrency, untilDrained }, fault) {
  const balancer = new GatewayBalancer(ctx.system.gatewayUrls);
  ctx.balancer = balancer;
  const load = new OrderLoad({ balancer, tokens: ctx.tokens, ratePerSecond: rate ?? ctx.rate, concurrency: concurrency ?? 8 }).start();
  ctx.watch(load);
  try {
    ctx.phase('baseline load');
    await sleep(warmupMs);
    const faultAt = Date.now();
    const returnedAt = (await fault(ctx.phase)) ?? Date.now();
    ctx.phase('load after recovery');
    let caughtUpAt;
    const settleUntil = Date.now() + settleMs;
    while (Date.now() < settleUntil) {
      if (untilDrained && caughtUpAt === undefined) {
        const depth = (await ctx.system.rabbit.queueDepths())[untilDrained];
        if (depth && depth.ready < 5) caughtUpAt = Date.now();
      }
      await sleep(200);
    }
    await load.stop();
    const recovery = throughputRecoveryMs(load.records, { baselineFrom: load.startedAt + 1_000, baselineTo: faultAt, returnedAt, until: load.stoppedAt });
    return { load, faultAt, returnedAt, recovery, caughtUpAt };
  } finally {
    await load.stop();
    balancer.close();
  }
}

/** Retries what failed with the same keys, then compares clients' answers with both databases. */
async function settle(ctx, load) {
  const view = clientView(load.records);
  const applied = await appliedDespiteFailure(ctx.system, view.failures);
  ctx.phase(`retrying ${view.failures.length} failed requests with their Idempotency-Keys`);
  const retries = await load.retryFailures();
  ctx.phase('verifying orders and notifications databases');
  const stores = await verifyStores(ctx.system, [...load.records, ...retries], { since: load.startedAt });
  return { view, applied, retries, stores };
}

function row(name, { view, stores, applied, retries }, recoveryMs, checks, extra = {}) {
  return {
    scenario: name,
    sent: view.sent,
    ok: view.ok,
    byStatus: view.byStatus,
    lost: stores.lost,
    duplicated: stores.duplicated,
    recoveryMs,
    checks: [
      check('every acknowledged order stored once, one notification each', stores.lost === 0 && stores.duplicated === 0, JSON.stringify(stores)),
      check(
        'failed requests retried with their key: all succeed, applied ones replayed',
        retries.every(isSuccess) && retries.filter((record) => record.replayed).length === applied,
        `${retries.length} retried, ${applied} had been applied, ${retries.filter((record) => record.replayed).length} replayed`,
      ),
      ...checks,
    ],
    notes: extra.notes ?? [],
  };
}

const onlyUnavailable = (view) =>
  check('failures only 503/504 with Retry-After', Object.keys(view.byStatus).every((status) => status === '503' || status === '504') && view.unavailableWithoutRetryAfter === 0, JSON.stringify(view.byStatus));
const noHangs = (view) => check(`no request longer than ${HANG_MS} ms`, view.hung === 0, `max ${view.maxLatencyMs} ms`);
const noRestarts = (before, system) => {
  const after = system.pids();
  const changed = Object.keys(before).filter((key) => before[key] !== after[key]);
  return check('no service restarted', changed.length === 0, changed.join(', '));
};
const recoveredWithin = (recovery, ms) =>
  check(`throughput back (≥70% of ${recovery.baselinePerSecond.toFixed(0)}/s) within ${ms / 1000} s`, recovery.ms !== undefined && recovery.ms <= ms, `${recovery.ms ?? 'never'} ms`);

async function brokerOutage(ctx, name, takeDown, bringBack, { downMs = 5_000 } = {}) {
  const pids = ctx.system.pids();
  const run = await underLoad(ctx, {}, async (phase) => {
    phase(`broker: ${name} (down ${downMs / 1000} s)`);
    await takeDown();
    await sleep(downMs);
    phase('broker: coming back');
    await bringBack();
    return Date.now();
  });
  const outcome = await settle(ctx, run.load);
  return row(name, outcome, run.recovery.ms, [onlyUnavailable(outcome.view), noHangs(outcome.view), recoveredWithin(run.recovery, 5_000), noRestarts(pids, ctx.system)]);
}

const noFailedRequests = (view) => check('no client request failed', view.ok === view.sent, JSON.stringify(view.byStatus));

/**
 * kill -9 `service` (the only replica) while the load's events flow into its queue, restart it after 2 s.
 * Clients never notice this fault; recovery is how long the restarted consumer took to catch up: undefined
 * (shown "–") when its queue was still above 5 when the load stopped (the store checks wait anyway).
 */
async function killConsumer(ctx, service) {
  const victim = ctx.system.replica(service);
  const queue = eventsQueueOf(service);
  let unackedAtKill;
  let restartedAt;
  const run = await underLoad(ctx, { untilDrained: queue }, async (phase) => {
    unackedAtKill = (await ctx.system.rabbit.queueDepths())[queue]?.unacked;
    phase(`kill -9 ${service}`);
    await victim.stop('SIGKILL');
    await sleep(2_000);
    phase(`restarting ${service}`);
    await ctx.system.restart(victim);
    restartedAt = Date.now();
    return restartedAt;
  });
  const outcome = await settle(ctx, run.load);
  const recoveryMs = run.caughtUpAt === undefined ? undefined : run.caughtUpAt - restartedAt;
  return { run, outcome, recoveryMs, notes: [`${queue} unacked just before the kill: ${unackedAtKill}`] };
}

export const scenarios = {
  /** 1a: rabbitmqctl stop_app / start_app. */
  'broker-restart': (ctx) =>
    brokerOutage(ctx, 'broker-restart', () => ctx.system.rabbit.stopApp(), () => ctx.system.rabbit.startApp()),

  /** 1b: kill -9 of the broker's beam process, then a cold start on the same data directory. */
  'broker-kill': (ctx) =>
    brokerOutage(ctx, 'broker-kill', () => ctx.system.rabbit.kill(), () => ctx.system.rabbit.start()),

  /** 2: kill -9 notifications while events flow; restart it; every event applied once. */
  'consumer-kill': async (ctx) => {
    const { outcome, recoveryMs, notes } = await killConsumer(ctx, 'notifications');
    return row('consumer-kill', outcome, recoveryMs, [noFailedRequests(outcome.view)], { notes });
  },

  /** 2b: kill -9 catalog mid-saga; restart it; every order settles and catalog's reservations match them. */
  'catalog-kill': async (ctx) => {
    const { run, outcome, recoveryMs, notes } = await killConsumer(ctx, 'catalog');
    ctx.phase('waiting for every order to leave pending; comparing stock with the orders');
    const stock = await verifyStock(ctx.system, { since: run.load.startedAt });
    const pendingLeft = stock.statuses.pending ?? 0;
    return row('catalog-kill', outcome, recoveryMs, [
      noFailedRequests(outcome.view),
      check('no order left pending', pendingLeft === 0, JSON.stringify(stock.statuses)),
      check(
        "catalog's reserved = quantities of the orders holding stock, per sku",
        stock.stockMismatches === 0,
        stock.skus.map(({ sku, stock: onHand, reserved, held }) => `${sku}: reserved ${reserved}, held by orders ${held}, stock ${onHand}`).join('; '),
      ),
      check(
        'one reservation per order holding stock, none for any other',
        stock.holdingWithoutReservation === 0 && stock.reservationsWithoutHolder === 0,
        `${stock.holdingWithoutReservation} without, ${stock.reservationsWithoutHolder} reservations without their order`,
      ),
    ], { notes });
  },

  /** 3: two orders and two notifications processes; kill -9 one of each under load. */
  'replica-kill': async (ctx) => {
    const victims = [ctx.system.replica('orders', 0), ctx.system.replica('notifications', 0)];
    let inFlightAtKill = 0;
    const run = await underLoad(ctx, {}, async (phase) => {
      phase('kill -9 orders#0 and notifications#0');
      inFlightAtKill = ctx.inFlight();
      await Promise.all(victims.map((victim) => victim.stop('SIGKILL')));
      return Date.now();
    });
    const outcome = await settle(ctx, run.load);
    ctx.phase('restarting the killed replicas');
    await Promise.all(victims.map((victim) => ctx.system.restart(victim)));
    const failed = outcome.view.sent - outcome.view.ok;
    return row('replica-kill', outcome, run.recovery.ms, [
      check('failures at most the requests in flight at the kill', failed <= inFlightAtKill, `${failed} failed, ${inFlightAtKill} in flight`),
      onlyUnavailable(outcome.view),
      noHangs(outcome.view),
    ]);
  },

  /** 4: PostgreSQL stopped for 10 s under load. */
  'database-outage': async (ctx) => {
    const pids = ctx.system.pids();
    const readiness = new Set();
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const status = await fetch(`${ctx.system.replica('orders').url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((response) => response.status, () => 'error');
        readiness.add(status);
        await sleep(250);
      }
    })();
    let outage = [0, 0];
    const run = await underLoad(ctx, {}, async (phase) => {
      phase('PostgreSQL stopped (10 s)');
      outage = [Date.now(), 0];
      await ctx.system.postgres.stop();
      await sleep(10_000);
      phase('PostgreSQL starting');
      await ctx.system.postgres.start();
      outage[1] = Date.now();
      return outage[1];
    });
    probing = false;
    await probe;
    const outcome = await settle(ctx, run.load);
    const duringOutage = run.load.records.filter((record) => !isSuccess(record) && record.started >= outage[0] && record.started <= outage[1]);
    const slowest = Math.max(0, ...duringOutage.map((record) => record.ended - record.started));
    const median = duringOutage.map((record) => record.ended - record.started).sort((a, b) => a - b)[Math.floor(duringOutage.length / 2)] ?? 0;
    return row('database-outage', outcome, run.recovery.ms, [
      check('orders /readyz reported 503 during the outage', readiness.has(503), [...readiness].join(',')),
      check('gateway answered failures fast (median < 1 s)', median < 1_000, `median ${median} ms, max ${slowest} ms`),
      onlyUnavailable(outcome.view),
      noHangs(outcome.view),
      recoveredWithin(run.recovery, 10_000),
      noRestarts(pids, ctx.system),
    ]);
  },

  /** 5: SIGTERM each service in turn (a second replica running), restarting it before the next. */
  'graceful-shutdown': async (ctx) => {
    const exits = [];
    const run = await underLoad(ctx, { settleMs: 4_000 }, async (phase) => {
      for (const name of ['orders', 'notifications', 'users', 'auth', 'gateway']) {
        const victim = ctx.system.replica(name, 0);
        if (name === 'gateway') {
          // As Kubernetes does (endpoint removed, then the preStop delay): no new requests reach it first.
          phase('gateway#0 taken out of the balancer, 1 s preStop');
          ctx.balancer.exclude(victim.url);
          await sleep(1_000);
        }
        phase(`SIGTERM ${name}#0`);
        exits.push(`${name}:${await victim.stop('SIGTERM', 20_000)}`);
        phase(`restarting ${name}#0`);
        await ctx.system.restart(victim);
        ctx.balancer.include(victim.url);
        await sleep(1_000);
      }
      return Date.now();
    });
    const outcome = await settle(ctx, run.load);
    return row('graceful-shutdown', outcome, undefined, [
      check('zero failed client requests', outcome.view.ok === outcome.view.sent, JSON.stringify(outcome.view.byStatus)),
      check('every service exited 0 on SIGTERM', exits.every((exit) => exit.endsWith(':0')), exits.join(' ')),
    ]);
  },

  /** 6: malformed messages from an independent client land in the DLQ with a reason; good traffic unaffected. */
  poison: async (ctx) => {
    const count = ctx.long ? 1_000 : 300;
    const dlq = deadLetterQueueOf('notifications');
    const before = (await ctx.system.rabbit.queueDepths())[dlq]?.ready ?? 0;
    const run = await underLoad(ctx, {}, async (phase) => {
      phase(`publishing ${count} malformed messages to ${EVENTS_EXCHANGE}`);
      await publishPoison(ctx.system.rabbit.url, count);
      return Date.now();
    });
    ctx.phase('waiting for the DLQ');
    const deadline = Date.now() + 60_000;
    let depth = 0;
    while (Date.now() < deadline && (depth = (await ctx.system.rabbit.queueDepths())[dlq]?.ready ?? 0) < before + count) await sleep(500);
    const listed = await listDeadLetters(ctx.system.rabbit.url);
    const peeked = await peekDeadLetters(ctx.system.rabbit.url, dlq, { limit: count });
    const withReason = peeked.filter((message) => message.error).length;
    const outcome = await settle(ctx, run.load);
    return row('poison', outcome, undefined, [
      check(`all ${count} malformed messages dead-lettered`, depth - before === count, `${depth - before} in ${dlq}`),
      check('each with the reason recorded (x-plinth-error)', withReason === peeked.length && peeked.length >= count, `${withReason}/${peeked.length}; e.g. "${peeked[0]?.error}"`),
      check('tools/dlq lists the queue', listed.some((queue) => queue.queue === dlq && queue.messages >= count)),
      noFailedRequests(outcome.view),
    ]);
  },

  /** 7: notifications slowed by SIGSTOP/SIGCONT duty cycling (no knob in production code). */
  'slow-consumer': async (ctx) => {
    const notifications = ctx.system.replica('notifications');
    const queue = eventsQueueOf('notifications');
    const samples = { rss: [], depth: [] };
    let metricsLag;
    const slowMs = ctx.long ? 60_000 : 12_000;
    const run = await underLoad(ctx, { settleMs: 2_000 }, async (phase) => {
      phase(`notifications duty-cycled to ~9% (SIGSTOP 2 s / SIGCONT 200 ms) for ${slowMs / 1000} s`);
      const until = Date.now() + slowMs;
      let slowing = true;
      const sampler = (async () => {
        while (slowing) {
          const depth = (await ctx.system.rabbit.queueDepths())[queue];
          samples.depth.push(depth ? depth.ready + depth.unacked : 0);
          await sleep(500);
        }
      })();
      let scrape;
      while (Date.now() < until) {
        process.kill(notifications.pid, 'SIGSTOP');
        samples.rss.push(rssMb(notifications.pid));
        await sleep(2_000);
        // The last scrape is sent while the process is stopped: it is answered the moment it resumes,
        // before the backlog had time to drain (a scrape after the resume finds it already gone).
        if (Date.now() + 200 >= until) scrape = queueLagFromMetrics(notifications.url, queue);
        await sleep(50);
        process.kill(notifications.pid, 'SIGCONT');
        await sleep(200);
      }
      slowing = false;
      await sampler;
      metricsLag = await scrape;
      return Date.now();
    });
    ctx.phase('backlog draining');
    const drainStarted = Date.now();
    let depth;
    while ((depth = (await ctx.system.rabbit.queueDepths())[queue]) && depth.ready + depth.unacked > 0 && Date.now() - drainStarted < 120_000) {
      samples.rss.push(rssMb(notifications.pid));
      await sleep(500);
    }
    const drainMs = Date.now() - drainStarted;
    const outcome = await settle(ctx, run.load);
    const peakBacklog = Math.max(...samples.depth);
    const rssGrowth = Math.max(...samples.rss) - samples.rss[0];
    return row('slow-consumer', outcome, drainMs, [
      check('backlog grew', peakBacklog >= 50, `peak ${peakBacklog} ready + unacked in ${queue}`),
      check('backlog drained', depth && depth.ready + depth.unacked === 0, `${drainMs} ms`),
      check('RSS bounded (< 150 MB growth)', rssGrowth < 150, `${samples.rss[0]} → max ${Math.max(...samples.rss)} MB`),
      check('notifications /metrics showed the lag', metricsLag >= 20, `messaging_queue_messages_ready{queue="${queue}"} ${metricsLag}`),
      noFailedRequests(outcome.view),
    ]);
  },
};

function rssMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

async function queueLagFromMetrics(url, queue) {
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((response) => response.text());
  const line = text.split('\n').find((candidate) => candidate.startsWith('messaging_queue_messages_ready{') && candidate.includes(`queue="${queue}"`));
  return line ? Number(line.split(' ').pop()) : undefined;
}

/** Three kinds of poison, routed like real order events, published by a plain amqplib client. */
async function publishPoison(url, count) {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    const bodies = [
      () => Buffer.from('{"this is": not json'),
      () => Buffer.from(JSON.stringify({ hello: 'no envelope' })),
      (i) => Buffer.from(JSON.stringify({ id: crypto.randomUUID(), type: 'orders.order.created', version: 1, occurredAt: new Date().toISOString(), source: 'chaos', correlationId: `poison-${i}`, data: { orderId: 'not-a-uuid', total: 'lots' } })),
    ];
    for (let i = 0; i < count; i += 1) {
      channel.publish(EVENTS_EXCHANGE, 'orders.order.created', bodies[i % bodies.length](i), { persistent: true, contentType: 'application/json', type: 'orders.order.created' });
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}
