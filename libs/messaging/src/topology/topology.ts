import {
  BroadcastSubscriptions, DurableSubscriptions, EVENTS_EXCHANGE, RpcServices,
} from '@plinth/contracts';

/**
 * Who talks to whom: the data every service asserts at start. Names of queues derive from it
 * (see topology-names.ts); tests define their own services and subscriptions with it.
 */
export interface Topology {
  /** Topic exchange for events; routing key = event type. */
  eventsExchange: string;
  /** Services answering RPC on `<service>.rpc`. */
  rpcServices: readonly string[];
  /** service → event types its shared durable queue `<service>.events` receives. */
  durableSubscriptions: Readonly<Record<string, readonly string[]>>;
  /** service → event types every replica receives on its own exclusive queue. */
  broadcastSubscriptions: Readonly<Record<string, readonly string[]>>;
}

/** The production topology, straight from @plinth/contracts. */
export const defaultTopology = (): Topology => ({
  eventsExchange: EVENTS_EXCHANGE,
  rpcServices: RpcServices,
  durableSubscriptions: DurableSubscriptions,
  broadcastSubscriptions: BroadcastSubscriptions,
});
