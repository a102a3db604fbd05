import type { Topology } from './topology.js';
import {
  EVENT_MOVES_EXCHANGE, RPC_EXCHANGE, RPC_REPLIES_EXCHANGE, deadLetterQueueOf, eventsQueueOf, retryQueueOf, rpcQueueOf, rpcRoutingKeyOf,
} from './topology-names.js';

export interface ExchangeDeclaration { name: string; type: 'topic'; durable: true }
export interface QueueDeclaration { name: string; durable: true; arguments: Record<string, string | number> }
export interface BindingDeclaration { queue: string; exchange: string; routingKey: string }
export interface TopologyDeclarations {
  exchanges: ExchangeDeclaration[];
  queues: QueueDeclaration[];
  bindings: BindingDeclaration[];
}

/**
 * Safety net for messages that crash their consumer before it can decide anything (the process dies
 * mid-handler, again and again): after this many redeliveries the quorum queue dead-letters them to
 * the DLQ. Normal failures never get near it; the transport counts attempts itself.
 */
export const QUORUM_DELIVERY_LIMIT = 10;

export interface DeclareOptions {
  retryDelaysMs: readonly number[];
  /**
   * Whose retry queues to include. Retry delays are a per-service setting, and redeclaring a queue
   * with another TTL fails, so at runtime a service declares only its own; exports declare all.
   */
  retryQueuesFor: 'all' | string;
}

/** Resolves a topology into the exchanges, queues and bindings that make it up. */
export function declareTopology(topology: Topology, options: DeclareOptions): TopologyDeclarations {
  const exchanges: ExchangeDeclaration[] = [topology.eventsExchange, RPC_EXCHANGE, RPC_REPLIES_EXCHANGE, EVENT_MOVES_EXCHANGE]
    .map((name) => ({ name, type: 'topic' as const, durable: true as const }));
  const queues: QueueDeclaration[] = [];
  const bindings: BindingDeclaration[] = [];

  for (const [service, eventTypes] of Object.entries(topology.durableSubscriptions)) {
    const events = eventsQueueOf(service);
    queues.push(
      {
        name: events,
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-delivery-limit': QUORUM_DELIVERY_LIMIT,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': deadLetterQueueOf(service),
        },
      },
      { name: deadLetterQueueOf(service), durable: true, arguments: { 'x-queue-type': 'quorum' } },
    );
    bindings.push({ queue: deadLetterQueueOf(service), exchange: EVENT_MOVES_EXCHANGE, routingKey: deadLetterQueueOf(service) });
    if (options.retryQueuesFor === 'all' || options.retryQueuesFor === service) {
      options.retryDelaysMs.forEach((delayMs, index) => {
        const retry = retryQueueOf(service, index + 1);
        queues.push({
          name: retry,
          durable: true,
          // Expired messages go back to the work queue through the default exchange: the broker dead-letters
          // them itself, which takes no permission of the service's user.
          arguments: { 'x-message-ttl': delayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': events },
        });
        bindings.push({ queue: retry, exchange: EVENT_MOVES_EXCHANGE, routingKey: retry });
      });
    }
    for (const eventType of eventTypes) {
      bindings.push({ queue: events, exchange: topology.eventsExchange, routingKey: eventType });
    }
  }

  for (const service of topology.rpcServices) {
    queues.push({ name: rpcQueueOf(service), durable: true, arguments: {} });
    bindings.push({ queue: rpcQueueOf(service), exchange: RPC_EXCHANGE, routingKey: rpcRoutingKeyOf(service) });
  }
  return { exchanges, queues, bindings };
}

/**
 * The part of the declarations one service owns: its queues (RPC, events, DLQ, retries — all named `<service>.…`)
 * and their bindings. Exchanges are shared and belong to the deployment, so none.
 */
export function ownedBy(declarations: TopologyDeclarations, service: string): TopologyDeclarations {
  const owns = (queue: string) => queue.startsWith(`${service}.`);
  return {
    exchanges: [],
    queues: declarations.queues.filter((queue) => owns(queue.name)),
    bindings: declarations.bindings.filter((binding) => owns(binding.queue)),
  };
}
