import { callersOf, type Topology } from './topology.js';
import {
  EVENT_MOVES_EXCHANGE, RPC_EXCHANGE, RPC_REPLIES_EXCHANGE, broadcastQueuePrefixOf, deadLetterQueueOf, eventsQueueOf,
  replyQueuePrefixOf, retryQueueOf, rpcQueueOf, rpcRoutingKeyOf,
} from './topology-names.js';

/** Topic permissions of one user on one topic exchange: the routing keys it may publish (write) and bind (read). */
export interface TopicPermission { exchange: string; write: string; read: string }

/**
 * One service's broker permissions on a vhost: regular ones (regexes over resource names) and topic ones. Nobody gets
 * the default exchange (`amq.default`): it reaches any queue by name and topic permissions cannot narrow it, so
 * requests, replies and retry/DLQ moves each go through a topic exchange of their own.
 */
export interface BrokerPermissions {
  /** Declare/delete: its own queues only. */
  configure: string;
  /** Publish to exchanges, bind its queues: the exchanges it publishes to, its own bound queues. */
  write: string;
  /** Consume its queues, bind from the exchanges its queues are bound to. */
  read: string;
  /**
   * One entry for every topic exchange of the topology, always: RabbitMQ allows every routing key on an exchange
   * a user has no topic permission for, so "nothing" must be said explicitly (`^$`).
   */
  topics: TopicPermission[];
}

/**
 * Least privilege generated from the topology: what the service declares (configure), publishes to and binds
 * (write), consumes and binds from (read). Passive declarations (the exchange check of `declare: 'own'`) need no
 * permission at all.
 */
export function toBrokerPermissions(topology: Topology, service: string): BrokerPermissions {
  const servesRpc = topology.rpcServices.includes(service);
  const durableTypes = topology.durableSubscriptions[service] ?? [];
  const consumesDurably = durableTypes.length > 0;
  const broadcastTypes = topology.broadcastSubscriptions[service] ?? [];
  const publishedTypes = topology.eventPublishers[service] ?? [];
  const calledServices = topology.rpcCalls[service] ?? [];
  const callsRpc = calledServices.length > 0;
  const callers = callersOf(topology, service);

  const rpcQueue = servesRpc ? [exactly(rpcQueueOf(service))] : [];
  const eventsQueue = consumesDurably ? [exactly(eventsQueueOf(service))] : [];
  const movedToQueues = consumesDurably ? [movedToQueuesOf(service)] : [];
  const broadcastQueues = broadcastTypes.length > 0 ? [`${exactly(broadcastQueuePrefixOf(service))}.+`] : [];
  const replyQueues = callsRpc ? [replyQueuesOf(service)] : [];
  const subscribes = durableTypes.length + broadcastTypes.length > 0;
  const exchange = (name: string, granted: boolean) => (granted ? [exactly(name)] : []);

  return {
    configure: anyOf([...rpcQueue, ...eventsQueue, ...movedToQueues, ...broadcastQueues, ...replyQueues]),
    write: anyOf([
      ...exchange(topology.eventsExchange, publishedTypes.length > 0),
      ...exchange(RPC_EXCHANGE, callsRpc),
      ...exchange(RPC_REPLIES_EXCHANGE, servesRpc && callers.length > 0),
      ...exchange(EVENT_MOVES_EXCHANGE, consumesDurably),
      // Binding a queue takes write on the queue.
      ...rpcQueue, ...eventsQueue, ...movedToQueues, ...broadcastQueues, ...replyQueues,
    ]),
    read: anyOf([
      ...rpcQueue, ...eventsQueue, ...broadcastQueues, ...replyQueues,
      // Binding from an exchange takes read on the exchange.
      ...exchange(topology.eventsExchange, subscribes),
      ...exchange(RPC_EXCHANGE, servesRpc),
      ...exchange(RPC_REPLIES_EXCHANGE, callsRpc),
      ...exchange(EVENT_MOVES_EXCHANGE, consumesDurably),
    ]),
    topics: [
      {
        exchange: topology.eventsExchange,
        write: anyOf(publishedTypes.map(exactly)),
        read: anyOf([...new Set([...durableTypes, ...broadcastTypes])].map(exactly)),
      },
      {
        exchange: RPC_EXCHANGE,
        // Any pattern of the services it calls (`orders.create`, …), and its own queue's binding key.
        write: anyOf(calledServices.map((called) => `${exactly(called)}\\..+`)),
        read: anyOf(servesRpc ? [exactly(rpcRoutingKeyOf(service))] : []),
      },
      {
        exchange: RPC_REPLIES_EXCHANGE,
        write: anyOf(servesRpc ? callers.map(replyQueuesOf) : []),
        read: anyOf(replyQueues),
      },
      { exchange: EVENT_MOVES_EXCHANGE, write: anyOf(movedToQueues), read: anyOf(movedToQueues) },
    ],
  };
}

/** A regex for the reply queues of `service`'s replicas (`<service>.replies.<random>`). */
export const replyQueuesOf = (service: string): string => `${exactly(replyQueuePrefixOf(service))}[^.]+`;

/** Its DLQ and retry queues: where the transport moves a failed event. */
const movedToQueuesOf = (service: string): string =>
  `${exactly(deadLetterQueueOf(service))}|${exactly(retryQueueOf(service, 0)).replace(/0$/, '\\d+')}`;

/** A regex matching exactly this name. */
const exactly = (name: string): string => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Anchored alternation; nothing at all is `^$` (RabbitMQ's "no access": no resource has an empty name). */
function anyOf(alternatives: readonly string[]): string {
  return alternatives.length === 0 ? '^$' : `^(${alternatives.join('|')})$`;
}
