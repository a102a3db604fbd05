// CPU time per process group over a measured window, read from /proc: each service process, the
// PostgreSQL backends serving each of the system's databases, and the RabbitMQ node. Divided by the
// orders created in the window it gives the "CPU per created order" of issue 13 (load generator excluded).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on Linux unless built otherwise). */
export const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * utime + stime (ticks) and the context-switch counters of one process from its /proc text. Pure.
 * stat: "pid (comm) state ppid …"; comm may contain spaces and parentheses, so fields are counted after
 * the last ')': utime and stime are fields 14 and 15 of the whole line.
 */
export function parseProcessTimes(statText, statusText = '') {
  const fields = statText.slice(statText.lastIndexOf(')') + 2).trim().split(' ');
  const counter = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(statusText)?.[1] ?? 0);
  return {
    ticks: Number(fields[11]) + Number(fields[12]),
    voluntarySwitches: counter('voluntary_ctxt_switches'),
    involuntarySwitches: counter('nonvoluntary_ctxt_switches'),
  };
}

/** The times of one pid now, or undefined when it has gone. */
export function readProcessTimes(pid) {
  try {
    return parseProcessTimes(readFileSync(`/proc/${pid}/stat`, 'utf8'), readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Per group, the CPU milliseconds and context switches between two snapshots ({ group: { pid: times } }).
 * A pid present only at the end started inside the window: all its time counts. A pid gone by the end is
 * missed (its last times are unknown) and reported, so a churning pool is visible. Pure.
 */
export function cpuBetween(before, after, ticksPerSecond = CLOCK_TICKS_PER_SECOND) {
  const groups = {};
  for (const [group, pids] of Object.entries(after)) {
    const start = before[group] ?? {};
    let ticks = 0;
    let voluntary = 0;
    let involuntary = 0;
    for (const [pid, end] of Object.entries(pids)) {
      const from = start[pid] ?? { ticks: 0, voluntarySwitches: 0, involuntarySwitches: 0 };
      ticks += end.ticks - from.ticks;
      voluntary += end.voluntarySwitches - from.voluntarySwitches;
      involuntary += end.involuntarySwitches - from.involuntarySwitches;
    }
    const vanished = Object.keys(start).filter((pid) => !(pid in pids)).length;
    groups[group] = { cpuMs: (ticks * 1000) / ticksPerSecond, voluntarySwitches: voluntary, involuntarySwitches: involuntary, processes: Object.keys(pids).length, vanished };
  }
  return groups;
}

/** CPU ms per operation for each group and their sum; `count` operations (orders) happened in the window. Pure. */
export function cpuPerOperation(groups, count) {
  const perGroup = {};
  let total = 0;
  for (const [group, { cpuMs }] of Object.entries(groups)) {
    perGroup[group] = count > 0 ? cpuMs / count : undefined;
    total += cpuMs;
  }
  return { perGroup, totalMs: count > 0 ? total / count : undefined, count };
}

/** pids of the PostgreSQL backends connected to `database` (our own query's backend excluded). */
async function backendPids(serverUrl, database) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

/** The beam.smp process of the RabbitMQ node listening on `amqpPort` (the shared node or a private one). */
export function rabbitPid(amqpPort) {
  try {
    // ss prints the owning process of each listening socket: users:(("beam.smp",pid=123,fd=45))
    const listing = execFileSync('ss', ['-Htlnp', `sport = :${amqpPort}`], { encoding: 'utf8' });
    const pid = /pid=(\d+)/.exec(listing)?.[1];
    return pid === undefined ? undefined : Number(pid);
  } catch {
    return undefined;
  }
}

/**
 * Measures CPU per process group. `groups()` says which pids belong to which group right now:
 * { 'gateway': [pid], 'orders db': [pids…], 'rabbitmq': [pid] }; it is asked at start and at the end.
 */
export class CpuMeter {
  #groups;
  #before;

  constructor(groups) {
    this.#groups = groups;
  }

  static async snapshot(groups) {
    const snapshot = {};
    for (const [group, pids] of Object.entries(await groups())) {
      snapshot[group] = {};
      for (const pid of pids) {
        const times = readProcessTimes(pid);
        if (times) snapshot[group][pid] = times;
      }
    }
    return snapshot;
  }

  async start() {
    this.#before = await CpuMeter.snapshot(this.#groups);
  }

  /** Groups with cpuMs and context switches since start(). */
  async stop() {
    return cpuBetween(this.#before, await CpuMeter.snapshot(this.#groups));
  }
}

/**
 * The process groups of a running system: each service (pid from `pidOf`), the PostgreSQL backends of each
 * database (`<service> db`), and the broker when `brokerPid` is given (a function: the node may restart).
 */
export const systemProcessGroups = ({ services, pidOf, databases, serverUrl, brokerPid }) => async () => {
  const groups = {};
  for (const service of services) {
    const pid = pidOf(service);
    groups[service] = pid === undefined ? [] : [pid];
  }
  for (const [service, database] of Object.entries(databases)) groups[`${service} db`] = await backendPids(serverUrl, database);
  if (brokerPid) {
    const broker = brokerPid();
    groups.rabbitmq = broker === undefined ? [] : [broker];
  }
  return groups;
};
