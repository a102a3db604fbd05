import { describe, expect, it } from 'vitest';
import { AuthRpc } from '../auth/auth.patterns.js';
import { CatalogRpc } from '../catalog/catalog.patterns.js';
import { NotificationsRpc } from '../notifications/notifications.patterns.js';
import { OrdersRpc } from '../orders/orders.patterns.js';
import { UsersRpc } from '../users/users.patterns.js';
import { BroadcastSubscriptions, DurableSubscriptions, EventPublishers, RpcCalls, RpcServices, rpcServiceOf } from './topology.js';

describe('RPC addressing', () => {
  it('routes every declared pattern to a service that serves RPC', () => {
    const patterns = [AuthRpc, UsersRpc, OrdersRpc, NotificationsRpc, CatalogRpc].flatMap((group) => Object.values(group));
    for (const pattern of patterns) expect(RpcServices).toContain(rpcServiceOf(pattern));
  });

  it('takes the first dotted segment as the service', () => {
    expect(rpcServiceOf(OrdersRpc.changeStatus)).toBe('orders');
  });
});

describe('who publishes and calls what (the broker permissions are generated from it)', () => {
  it('names the emitting service as the first segment of every event type it publishes', () => {
    for (const [service, types] of Object.entries(EventPublishers)) for (const type of types) expect(type.split('.')[0]).toBe(service);
  });

  it('has a publisher for every event type someone subscribes to', () => {
    const published = Object.values(EventPublishers).flat();
    for (const types of [...Object.values(DurableSubscriptions), ...Object.values(BroadcastSubscriptions)]) {
      for (const type of types) expect(published).toContain(type);
    }
  });

  it('lists the RPC calls of every service there is', () => {
    expect(Object.keys(RpcCalls).sort()).toEqual(Object.keys(BroadcastSubscriptions).sort());
  });
});
