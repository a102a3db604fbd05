import { describe, expect, it } from 'vitest';
import { toRabbitDefinitions } from './rabbit-definitions.js';
import type { Topology } from './topology.js';
import { declareTopology, QUORUM_DELIVERY_LIMIT } from './topology-declarations.js';

const topology: Topology = {
  eventsExchange: 'plinth.events',
  rpcServices: ['orders'],
  durableSubscriptions: { users: ['auth.user.registered'], notifications: ['auth.user.registered', 'orders.order.created'] },
  broadcastSubscriptions: { gateway: ['auth.session.revoked'] },
  eventPublishers: { auth: ['auth.user.registered', 'auth.session.revoked'], orders: ['orders.order.created'] },
  rpcCalls: { gateway: ['orders'] },
};

describe('declareTopology', () => {
  const own = declareTopology(topology, { retryDelaysMs: [1000, 5000], retryQueuesFor: 'users' });
  const queue = (name: string) => own.queues.find((q) => q.name === name);

  it('declares each subscriber a quorum work queue that dead-letters to its DLQ past the delivery limit', () => {
    expect(queue('users.events')?.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': QUORUM_DELIVERY_LIMIT,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'users.events.dlq',
    });
    expect(queue('notifications.events.dlq')?.arguments).toEqual({ 'x-queue-type': 'quorum' });
  });

  it('declares retry queues whose TTL is the delay and which expire back into the work queue', () => {
    expect(queue('users.events.retry.1')?.arguments).toEqual({
      'x-message-ttl': 1000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'users.events',
    });
    expect(queue('users.events.retry.2')?.arguments['x-message-ttl']).toBe(5000);
  });

  it('declares only its own retry queues at runtime, so services with other delays do not collide', () => {
    expect(own.queues.map((q) => q.name).filter((name) => name.includes('.retry.'))).toEqual(['users.events.retry.1', 'users.events.retry.2']);
  });

  it('binds every subscribed event type and declares every RPC queue, but no broadcast queue', () => {
    expect(own.bindings).toContainEqual({ queue: 'notifications.events', exchange: 'plinth.events', routingKey: 'orders.order.created' });
    expect(own.bindings.filter((binding) => binding.exchange === 'plinth.events')).toHaveLength(3);
    expect(queue('orders.rpc')).toEqual({ name: 'orders.rpc', durable: true, arguments: {} });
    expect(own.queues.some((q) => q.name.startsWith('gateway'))).toBe(false);
  });

  it('routes requests by pattern to the RPC queue and failed-event moves by queue name, not through the default exchange', () => {
    expect(own.exchanges.map((exchange) => exchange.name)).toEqual(['plinth.events', 'plinth.rpc', 'plinth.rpc.replies', 'plinth.events.moves']);
    expect(own.bindings).toContainEqual({ queue: 'orders.rpc', exchange: 'plinth.rpc', routingKey: 'orders.#' });
    expect(own.bindings).toContainEqual({ queue: 'users.events.dlq', exchange: 'plinth.events.moves', routingKey: 'users.events.dlq' });
    expect(own.bindings).toContainEqual({ queue: 'users.events.retry.2', exchange: 'plinth.events.moves', routingKey: 'users.events.retry.2' });
  });
});

describe('toRabbitDefinitions', () => {
  it('exports the whole topology, every service\'s retry queues included, for the given vhost', () => {
    const definitions = toRabbitDefinitions(topology, { vhost: 'plinth', retryDelaysMs: [1000] });
    expect(definitions.exchanges[0]).toEqual({ name: 'plinth.events', vhost: 'plinth', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} });
    expect(definitions.exchanges).toHaveLength(4);
    expect(definitions.queues.map((q) => q.name)).toEqual([
      'users.events', 'users.events.dlq', 'users.events.retry.1',
      'notifications.events', 'notifications.events.dlq', 'notifications.events.retry.1',
      'orders.rpc',
    ]);
    expect(definitions.bindings).toContainEqual({
      source: 'plinth.events', vhost: 'plinth', destination: 'users.events', destination_type: 'queue', routing_key: 'auth.user.registered', arguments: {},
    });
  });
});
