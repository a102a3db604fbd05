import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { OrderCreatedEvent } from '../orders/orders.events.js';
import { NotificationCreatedEvent } from '../notifications/notifications.events.js';

const validate = (cls: new () => object, plain: object) =>
  validateSync(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true });

const orderCreated = () => ({
  id: '0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b7c8d',
  type: 'orders.order.created',
  version: 1,
  occurredAt: '2026-11-24T12:00:00.000Z',
  source: 'orders',
  correlationId: 'req-1',
  data: {
    orderId: '0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b7c8e',
    userId: '0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b7c8f',
    status: 'pending',
    currency: 'EUR',
    total: 3998,
    items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1999 }],
  },
});

describe('event envelope validation', () => {
  it('accepts a well-formed order-created event', () => {
    expect(validate(OrderCreatedEvent, orderCreated())).toEqual([]);
  });

  it('rejects an envelope without an id', () => {
    const { id: _id, ...event } = orderCreated();
    expect(validate(OrderCreatedEvent, event).map((e) => e.property)).toEqual(['id']);
  });

  it('validates the nested data, including each item', () => {
    const event = orderCreated();
    event.data.items[0].quantity = 0;
    const [error] = validate(OrderCreatedEvent, event);
    expect(error.property).toBe('data');
    expect(JSON.stringify(error.children)).toContain('quantity');
  });

  it('rejects data that is not an object', () => {
    expect(validate(OrderCreatedEvent, { ...orderCreated(), data: 'x' }).map((e) => e.property)).toEqual(['data']);
  });

  it('validates a nested notification view inside notification-created', () => {
    const event = {
      ...orderCreated(),
      type: 'notifications.notification.created',
      data: {
        userId: '0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b7c8f',
        sequence: 1,
        notification: {
          id: '0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b7c90', type: 'welcome', title: 'Welcome', body: 'Hi',
          read: false, createdAt: '2026-11-24T12:00:00.000Z', data: {},
        },
      },
    };
    expect(validate(NotificationCreatedEvent, event)).toEqual([]);
    event.data.notification.type = 'bogus';
    expect(validate(NotificationCreatedEvent, event)).toHaveLength(1);
  });
});
