import type { ConnectionOptions } from 'node:tls';
import type { Topology } from './topology/topology.js';

export interface RetryOptions {
  /** Deliveries of an event before it is dead-lettered (the first delivery counts). */
  maxAttempts: number;
  /** Delay before retry n (1-based) is `delaysMs[n - 1]`; the last one repeats when attempts outnumber it. */
  delaysMs: number[];
}

export interface MessagingOptions {
  /** 'orders'; queue names derive from it. */
  serviceName: string;
  /** amqp URL including the vhost. */
  url: string;
  /** Default per-call RPC timeout. */
  rpcTimeoutMs?: number;
  /** Consumer prefetch per channel (RPC and events). */
  prefetch?: number;
  retry?: RetryOptions;
  /** Default: built from @plinth/contracts DurableSubscriptions/BroadcastSubscriptions/RpcServices. */
  topology?: Topology;
  /** How long `close()` waits for in-flight handlers before closing channels anyway. */
  shutdownTimeoutMs?: number;
  /** Bound on waiting for a publisher confirm; past it the publish rejects with BrokerUnavailableError. */
  confirmTimeoutMs?: number;
  /** Seconds between AMQP heartbeats (unless the URL sets `heartbeat`). */
  heartbeatSeconds?: number;
  /** Shown by `rabbitmqctl list_connections`; default `<serviceName>@<pid>`. */
  connectionName?: string;
  /**
   * What the service declares on every connection. `all` (default): the whole topology, so events published before
   * a consumer's first start are queued (local development, tests). `own`: only its own queues and their bindings,
   * the shared exchange checked passively — for a broker user limited to what it owns (see toBrokerPermissions), on
   * a broker provisioned from the definitions (toRabbitDefinitions).
   */
  declare?: TopologyScope;
  /** Socket options for amqps:// (CA, client certificate); the broker's certificate and name are always verified. */
  tls?: ConnectionOptions | null;
}

export const TOPOLOGY_SCOPES = ['all', 'own'] as const;
export type TopologyScope = (typeof TOPOLOGY_SCOPES)[number];

export type ResolvedMessagingOptions = Required<MessagingOptions>;

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 5, delaysMs: [1000, 5000, 15000, 30000] };
