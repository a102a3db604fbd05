import { DEFAULT_RETRY } from '../messaging.options.js';
import type { Topology } from './topology.js';
import { declareTopology } from './topology-declarations.js';

/** The subset of RabbitMQ's definitions format (`rabbitmqctl import_definitions`) a topology needs. */
export interface RabbitDefinitions {
  exchanges: { name: string; vhost: string; type: string; durable: boolean; auto_delete: boolean; internal: boolean; arguments: Record<string, never> }[];
  queues: { name: string; vhost: string; durable: boolean; auto_delete: boolean; arguments: Record<string, string | number> }[];
  bindings: { source: string; vhost: string; destination: string; destination_type: 'queue'; routing_key: string; arguments: Record<string, never> }[];
}

/**
 * The whole topology (every service's retry queues included) as RabbitMQ definitions, so a cluster
 * can be provisioned before any service starts (k8s Job / definitions import).
 */
export function toRabbitDefinitions(
  topology: Topology,
  options: { vhost?: string; retryDelaysMs?: readonly number[] } = {},
): RabbitDefinitions {
  const vhost = options.vhost ?? '/';
  const declarations = declareTopology(topology, {
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY.delaysMs,
    retryQueuesFor: 'all',
  });
  return {
    exchanges: declarations.exchanges.map((exchange) => ({
      name: exchange.name, vhost, type: exchange.type, durable: exchange.durable, auto_delete: false, internal: false, arguments: {},
    })),
    queues: declarations.queues.map((queue) => ({
      name: queue.name, vhost, durable: queue.durable, auto_delete: false, arguments: queue.arguments,
    })),
    bindings: declarations.bindings.map((binding) => ({
      source: binding.exchange, vhost, destination: binding.queue, destination_type: 'queue', routing_key: binding.routingKey, arguments: {},
    })),
  };
}
