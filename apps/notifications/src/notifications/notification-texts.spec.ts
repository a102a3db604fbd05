import { describe, expect, it } from 'vitest';
import { orderReceivedNotification, orderStatusNotification, welcomeNotification } from './notification-texts.js';

const userId = '0192f3a4-0000-7000-8000-0000000000aa';
const orderId = '0192f3a4-1111-7000-8000-00000000c0de';

describe('welcomeNotification', () => {
  it('greets the user by display name', () => {
    expect(welcomeNotification({ userId, email: 'ada@example.com', displayName: 'Ada' })).toStrictEqual({
      userId,
      type: 'welcome',
      title: 'Welcome to Plinth',
      body: 'Hi Ada, your account is ready.',
      data: {},
    });
  });

  it('greets generically when the display name is blank', () => {
    expect(welcomeNotification({ userId, email: 'ada@example.com', displayName: '  ' }).body).toBe(
      'Hi there, your account is ready.',
    );
  });
});

describe('orderReceivedNotification', () => {
  const order = {
    orderId,
    userId,
    status: 'pending' as const,
    currency: 'EUR',
    total: 4997,
    items: [
      { sku: 'MUG', quantity: 2, unitPrice: 1999 },
      { sku: 'PEN', quantity: 1, unitPrice: 999 },
    ],
  };

  it('counts units across items and formats the total from minor units', () => {
    expect(orderReceivedNotification(order)).toStrictEqual({
      userId,
      type: 'order.created',
      title: 'Order received',
      body: 'We received your order of 3 items (EUR 49.97).',
      data: { orderId },
    });
  });

  it('says "item" for a single unit', () => {
    const single = { ...order, total: 1999, items: [{ sku: 'MUG', quantity: 1, unitPrice: 1999 }] };
    expect(orderReceivedNotification(single).body).toBe('We received your order of 1 item (EUR 19.99).');
  });

  it('formats the total in the order currency', () => {
    const yen = { ...order, currency: 'JPY', total: 1500, items: [{ sku: 'TEA', quantity: 1, unitPrice: 1500 }] };
    expect(orderReceivedNotification(yen).body).toBe('We received your order of 1 item (JPY 1,500).');
  });
});

describe('orderStatusNotification', () => {
  const change = (from: 'pending' | 'confirmed' | 'shipped', to: 'confirmed' | 'shipped' | 'delivered' | 'cancelled') =>
    orderStatusNotification({ orderId, userId, from, to, version: 2 });

  it.each([
    ['pending', 'confirmed', 'Order confirmed', 'Your order #0000c0de has been confirmed.'],
    ['confirmed', 'shipped', 'Order shipped', 'Your order #0000c0de is on its way.'],
    ['shipped', 'delivered', 'Order delivered', 'Your order #0000c0de has been delivered.'],
    ['confirmed', 'cancelled', 'Order cancelled', 'Your order #0000c0de has been cancelled.'],
  ] as const)('titles the change %s → %s after its target status', (from, to, title, body) => {
    const draft = change(from, to);
    expect({ title: draft.title, body: draft.body }).toStrictEqual({ title, body });
  });

  it('references the order and both statuses in its data', () => {
    expect(change('pending', 'cancelled')).toMatchObject({
      userId,
      type: 'order.status-changed',
      data: { orderId, from: 'pending', to: 'cancelled' },
    });
  });
});
