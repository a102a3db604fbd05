// Command line of tools/bench/bench.mjs: which measures, how long, how many alternating rounds.
import { parseArgs } from 'node:util';

export const MEASURES = ['create', 'openloop', 'list', 'products', 'rpc', 'tracing', 'footprint', 'graphql'];
// Older name of the order → SSE latency, now measured inside the open-loop run.
const ALIASES = { sse: 'openloop' };

export const USAGE = `usage: node_modules/.bin/node tools/bench/bench.mjs [options]
  --only LIST        comma-separated subset of ${MEASURES.join(',')} (default: all)
  --duration S       seconds per measured HTTP run (default 10; --quick 3)
  --warmup S         seconds of warm-up before every measured HTTP run (default 2; --quick 1)
  --rounds N         alternating Plinth/yardstick rounds per measure (default 3; --quick 1)
  --connections N    concurrent HTTP connections / RPC calls in flight (default 64)
  --users N          registered users whose tokens the load rotates through (default 50; --quick 10)
  --rpc-requests N   requests per RPC run at N in flight (default 4000 x duration; sequential: 1/8 of it)
  --rate R           orders/s of the open-loop run (default: half the saturated create rate of this run)
  --streams N        users with an open SSE stream during the open-loop run; its orders rotate over them (default 10)
  --shared-broker    run on the shared RabbitMQ instead of a private node (its CPU then includes other work)
  --quick            short everything, for a smoke test (results are not meaningful)
  --help
The cost of TLS (same system TLS off vs on, alternating): node_modules/.bin/node tools/bench/tls-cost.mjs --help`;

const positiveInteger = (name, text) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer (got "${text}")`);
  return value;
};

const positiveNumber = (name, text) => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number (got "${text}")`);
  return value;
};

const nonNegativeNumber = (name, text) => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number >= 0 (got "${text}")`);
  return value;
};

/** Parses argv (without node and script); throws an Error with a readable message on bad input. */
export function parseBenchArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      only: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      users: { type: 'string' },
      'rpc-requests': { type: 'string' },
      rate: { type: 'string' },
      streams: { type: 'string' },
      'shared-broker': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick;
  const only = values.only === undefined ? [...MEASURES] : values.only.split(',').map((name) => ALIASES[name.trim()] ?? name.trim()).filter(Boolean);
  const unknown = only.filter((name) => !MEASURES.includes(name));
  if (unknown.length > 0) throw new Error(`--only: unknown measure(s) ${unknown.join(', ')}; known: ${MEASURES.join(', ')}`);
  if (only.length === 0) throw new Error('--only needs at least one measure');
  const duration = positiveNumber('duration', values.duration ?? (quick ? '3' : '10'));
  const rpcRequests = positiveInteger('rpc-requests', values['rpc-requests'] ?? String(Math.round((quick ? 1000 : 4000) * duration)));
  return {
    help: values.help,
    quick,
    only: MEASURES.filter((name) => only.includes(name)),
    duration,
    warmup: nonNegativeNumber('warmup', values.warmup ?? (quick ? '1' : '2')),
    rounds: positiveInteger('rounds', values.rounds ?? (quick ? '1' : '3')),
    connections: positiveInteger('connections', values.connections ?? '64'),
    users: positiveInteger('users', values.users ?? (quick ? '10' : '50')),
    rpcRequests,
    rpcSequentialRequests: Math.max(200, Math.round(rpcRequests / 8)),
    rate: values.rate === undefined ? undefined : positiveNumber('rate', values.rate),
    streams: positiveInteger('streams', values.streams ?? '10'),
    sharedBroker: values['shared-broker'],
  };
}
