import { describe, expect, it } from 'vitest';
import { AuthRpc } from '../auth/auth.patterns.js';
import { CatalogRpc } from '../catalog/catalog.patterns.js';
import { NotificationsRpc } from '../notifications/notifications.patterns.js';
import { OrdersRpc } from '../orders/orders.patterns.js';
import { UsersRpc } from '../users/users.patterns.js';
import { RpcServices, rpcServiceOf } from './topology.js';

describe('RPC addressing', () => {
  it('routes every declared pattern to a service that serves RPC', () => {
    const patterns = [AuthRpc, UsersRpc, OrdersRpc, NotificationsRpc, CatalogRpc].flatMap((group) => Object.values(group));
    for (const pattern of patterns) expect(RpcServices).toContain(rpcServiceOf(pattern));
  });

  it('takes the first dotted segment as the service', () => {
    expect(rpcServiceOf(OrdersRpc.changeStatus)).toBe('orders');
  });
});
