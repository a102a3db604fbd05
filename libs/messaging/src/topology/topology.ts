import {
  BroadcastSubscriptions, DurableSubscriptions, EVENTS_EXCHANGE, EventPublishers, RpcCalls, RpcServices,
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
  /** service → event types it publishes to the events exchange (its broker user may publish nothing else there). */
  eventPublishers: Readonly<Record<string, readonly string[]>>;
  /** service → the RPC services it calls. */
  rpcCalls: Readonly<Record<string, readonly string[]>>;
}

/** The production topology, straight from @plinth/contracts. */
export const defaultTopology = (): Topology => ({
  eventsExchange: EVENTS_EXCHANGE,
  rpcServices: RpcServices,
  durableSubscriptions: DurableSubscriptions,
  broadcastSubscriptions: BroadcastSubscriptions,
  eventPublishers: EventPublishers,
  rpcCalls: RpcCalls,
});

/** Every service the topology mentions, in a stable order: each gets its own broker user. */
export function servicesOf(topology: Topology): string[] {
  const services = new Set<string>([
    ...topology.rpcServices,
    ...Object.keys(topology.durableSubscriptions),
    ...Object.keys(topology.broadcastSubscriptions),
    ...Object.keys(topology.eventPublishers),
    ...Object.keys(topology.rpcCalls),
  ]);
  return [...services].sort();
}

/** The services that call `service` over RPC: the only ones its replies may go to. */
export function callersOf(topology: Topology, service: string): string[] {
  return Object.entries(topology.rpcCalls).filter(([, called]) => called.includes(service)).map(([caller]) => caller).sort();
}
