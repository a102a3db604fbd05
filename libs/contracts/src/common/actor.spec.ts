import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { RevokeUserSessionsRequest } from '../auth/auth.requests.js';
import { MarkNotificationReadRequest } from '../notifications/notifications.requests.js';
import { GetOrderRequest } from '../orders/orders.requests.js';
import { GetProfileRequest } from '../users/users.requests.js';

const someId = '0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b7c8d';

describe('requests acting for a user', () => {
  const requests: ReadonlyArray<[new () => object, object]> = [
    [GetOrderRequest, { orderId: someId }],
    [GetProfileRequest, { userId: someId }],
    [MarkNotificationReadRequest, { notificationId: someId }],
    [RevokeUserSessionsRequest, { userId: someId, client: {} }],
  ];

  it.each(requests)('%O is refused without an actor', (cls, plain) => {
    expect(validateSync(plainToInstance(cls, plain)).map((e) => e.property)).toEqual(['actor']);
  });

  it.each(requests)('%o is refused with a role that does not exist', (cls, plain) => {
    const errors = validateSync(plainToInstance(cls, { ...plain, actor: { userId: someId, roles: ['root'] } }));
    expect(errors.map((e) => e.property)).toEqual(['actor']);
  });
});
