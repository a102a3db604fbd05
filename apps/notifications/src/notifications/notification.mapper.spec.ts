import { describe, expect, it } from 'vitest';
import { Notification } from './notification.entity.js';
import { toNotificationView } from './notification.mapper.js';

describe('toNotificationView', () => {
  it('copies exactly the contract fields, with an ISO timestamp and without the owner id', () => {
    const notification = Object.assign(new Notification(), {
      id: '0192f3a4-0000-7000-8000-000000000001',
      userId: '0192f3a4-0000-7000-8000-0000000000aa',
      type: 'order.created' as const,
      title: 'Order received',
      body: 'We received your order of 1 item (EUR 19.99).',
      data: { orderId: '0192f3a4-1111-7000-8000-00000000c0de' },
      read: true,
      createdAt: new Date('2026-11-24T10:00:00.123Z'),
    });

    expect(toNotificationView(notification)).toStrictEqual({
      id: '0192f3a4-0000-7000-8000-000000000001',
      type: 'order.created',
      title: 'Order received',
      body: 'We received your order of 1 item (EUR 19.99).',
      read: true,
      createdAt: '2026-11-24T10:00:00.123Z',
      data: { orderId: '0192f3a4-1111-7000-8000-00000000c0de' },
    });
  });
});
