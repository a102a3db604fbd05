import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ApplicationError, ErrorCodes, NotificationsRpc, type NotificationView } from '@plinth/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';

let t: GatewayTestApp;
let userId: string;
let token: string;
const notification = (overrides: Partial<NotificationView> = {}): NotificationView => ({
  id: randomUUID(),
  type: 'welcome',
  title: 'Welcome',
  body: 'Hello Ada',
  read: false,
  createdAt: '2026-11-24T12:00:00.000Z',
  data: {},
  ...overrides,
});
const http = () => request(t.app.getHttpServer());

beforeAll(async () => {
  t = await createGatewayTestApp();
  userId = randomUUID();
  token = await t.token({ sub: userId });
});
afterAll(() => t.close());
beforeEach(() => t.rpc.clearCalls());

describe('notifications routes', () => {
  it('GET /v1/notifications?unread=true lists unread ones as { items, nextCursor }', async () => {
    const page = { items: [notification()], nextCursor: null };
    t.rpc.reply(NotificationsRpc.list, page);
    const res = await http().get('/v1/notifications?unread=true&limit=20').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(page);
    expect(t.rpc.payloadsOf(NotificationsRpc.list)).toEqual([{ actor: { userId, roles: ['user'] }, limit: 20, unread: true }]);
  });

  it.each(['yes', '1'])('refuses unread=%s with 400', async (unread) => {
    const res = await http().get(`/v1/notifications?unread=${unread}`).set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain('unread');
  });

  it.each(['0', '101', 'abc'])('refuses limit=%s with 400', async (limit) => {
    const res = await http().get(`/v1/notifications?limit=${limit}`).set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.every((error: { field: string }) => error.field === 'limit')).toBe(true);
  });

  it('POST /v1/notifications/:id/read marks it read and returns it', async () => {
    const read = notification({ read: true });
    t.rpc.reply(NotificationsRpc.markRead, read);
    const res = await http().post(`/v1/notifications/${read.id}/read`).set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(read);
    expect(t.rpc.payloadsOf(NotificationsRpc.markRead)).toEqual([{ actor: { userId, roles: ['user'] }, notificationId: read.id }]);
  });

  it('answers someone else\'s notification with 404 NOTIFICATIONS.NOT_FOUND', async () => {
    t.rpc.reply(NotificationsRpc.markRead, () => {
      throw new ApplicationError(ErrorCodes.NOTIFICATIONS_NOT_FOUND, 'Notification not found.');
    });
    const res = await http().post(`/v1/notifications/${randomUUID()}/read`).set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(ErrorCodes.NOTIFICATIONS_NOT_FOUND);
  });
});
