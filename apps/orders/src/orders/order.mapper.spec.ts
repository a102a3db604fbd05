import { describe, expect, it } from 'vitest';
import { Order } from './order.entity.js';
import { toOrderView } from './order.mapper.js';

describe('toOrderView', () => {
  const order = Object.assign(new Order(), {
    id: '0193a1b2-0000-7000-8000-000000000001',
    userId: '0193a1b2-0000-7000-8000-0000000000aa',
    status: 'confirmed' as const,
    currency: 'EUR',
    items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1999, warehouse: 'internal' } as never],
    total: 3998,
    version: 3,
    createdAt: new Date('2026-11-24T10:00:00.123Z'),
    updatedAt: new Date('2026-11-24T11:00:00.456Z'),
    internalNote: 'must not leak',
  });

  it('maps exactly the contract fields, with ISO timestamps', () => {
    expect(toOrderView(order)).toStrictEqual({
      id: order.id,
      userId: order.userId,
      status: 'confirmed',
      currency: 'EUR',
      items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1999 }],
      total: 3998,
      version: 3,
      createdAt: '2026-11-24T10:00:00.123Z',
      updatedAt: '2026-11-24T11:00:00.456Z',
    });
  });
});
