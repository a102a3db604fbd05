import type { Topology } from './topology.js';
import { broadcastQueuePrefixOf, deadLetterQueueOf, eventsQueueOf, retryQueueOf, rpcQueueOf } from './topology-names.js';

/**
 * RabbitMQ names the default exchange `amq.default` in permission checks. Publishing to it reaches any queue by
 * name and cannot be narrowed by routing key (topic permissions apply to topic exchanges only), so only services
 * that need it get it: RPC callers (requests), RPC servers (direct reply-to replies) and event consumers (their
 * retry/DLQ republishes).
 */
export const DEFAULT_EXCHANGE_RESOURCE = 'amq.default';

/** One service's broker permissions on a vhost: regular ones (regexes over resource names) and topic ones. */
export interface BrokerPermissions {
  /** Declare/delete: its own queues only. */
  configure: string;
  /** Publish to exchanges, bind its queues: the exchanges it publishes to, its own bound queues. */
  write: string;
  /** Consume its queues, bind from the events exchange. */
  read: string;
  /** Topic permissions on the events exchange: the routing keys it may publish (write) and bind (read). */
  events: { exchange: string; write: string; read: string };
}

/**
 * Least privilege generated from the topology: what the service declares (configure), publishes to and binds
 * (write), consumes and binds from (read). Passive declarations (the exchange check of `declare: 'own'`) and
 * direct reply-to consumers need no permission at all.
 */
export function toBrokerPermissions(topology: Topology, service: string): BrokerPermissions {
  const servesRpc = topology.rpcServices.includes(service);
  const consumesDurably = (topology.durableSubscriptions[service] ?? []).length > 0;
  const durableTypes = topology.durableSubscriptions[service] ?? [];
  const broadcastTypes = topology.broadcastSubscriptions[service] ?? [];
  const publishedTypes = topology.eventPublishers[service] ?? [];
  const callsRpc = (topology.rpcCalls[service] ?? []).length > 0;

  const rpcQueue = servesRpc ? [exactly(rpcQueueOf(service))] : [];
  const eventsQueue = consumesDurably ? [exactly(eventsQueueOf(service))] : [];
  const broadcastQueues = broadcastTypes.length > 0 ? [`${exactly(broadcastQueuePrefixOf(service))}.+`] : [];
  const eventQueuesOwned = consumesDurably
    ? [exactly(deadLetterQueueOf(service)), exactly(retryQueueOf(service, 0)).replace(/0$/, '\\d+')]
    : [];
  const defaultExchange = servesRpc || consumesDurably || callsRpc ? [exactly(DEFAULT_EXCHANGE_RESOURCE)] : [];
  const eventsExchange = exactly(topology.eventsExchange);

  return {
    configure: anyOf([...rpcQueue, ...eventsQueue, ...eventQueuesOwned, ...broadcastQueues]),
    write: anyOf([...defaultExchange, ...(publishedTypes.length > 0 ? [eventsExchange] : []), ...eventsQueue, ...broadcastQueues]),
    read: anyOf([...rpcQueue, ...eventsQueue, ...broadcastQueues, ...(durableTypes.length + broadcastTypes.length > 0 ? [eventsExchange] : [])]),
    events: {
      exchange: topology.eventsExchange,
      write: anyOf(publishedTypes.map(exactly)),
      read: anyOf([...new Set([...durableTypes, ...broadcastTypes])].map(exactly)),
    },
  };
}

/** A regex matching exactly this name. */
const exactly = (name: string): string => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Anchored alternation; nothing at all is `^$` (RabbitMQ's "no access": no resource has an empty name). */
function anyOf(alternatives: readonly string[]): string {
  return alternatives.length === 0 ? '^$' : `^(${alternatives.join('|')})$`;
}
