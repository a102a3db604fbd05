// The happy path of one customer, end to end through the gateway, across all six services and both
// messaging styles: RPC for the requests, events (outbox → broker → inbox) for the notifications.
// Shared by the e2e suite (services as processes) and the image suite (services as containers of their images).
import type { NotificationView, OrderView, TokenPair } from '@plinth/contracts';
import type { RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './e2e-system.js';
import { consistently, eventually } from './eventually.js';
import { expectStatus, PlinthApi, sampleOrder, type RegisteredUser } from './plinth-api.js';

export interface CustomerJourneyOptions {
  /** Starts the system the journey goes through (its gateway), e.g. startE2eSystem. */
  start: () => Promise<RunningSystem>;
  /** Names the service logs written when the system stops (see stopE2eSystem). */
  logLabel: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a notification is about: its type, the order it refers to and, for status changes, the new status. */
const describeNotification = (n: NotificationView): string => {
  const data = n.data as { orderId?: unknown; to?: unknown };
  const target = n.type === 'order.status-changed' ? `:${String(data.to)}` : '';
  return n.type === 'welcome' ? 'welcome' : `${n.type}:${String(data.orderId)}${target}`;
};

// Every step crosses processes and the broker on two shared cores: allow for a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

export function describeCustomerJourney(title: string, options: CustomerJourneyOptions): void {
  describe(title, () => {
    let system: RunningSystem;
    let api: PlinthApi;
    let customer: RegisteredUser;
    let adminTokens: TokenPair;
    let cancelledOrder: OrderView;
    let shippedOrder: OrderView;
    let notifications: NotificationView[];

    beforeAll(async () => {
      system = await options.start();
      api = new PlinthApi(system.gatewayUrl);
    }, options.startTimeoutMs ?? SYSTEM_START_TIMEOUT_MS);

    /** The order as its owner sees it once the stock saga has confirmed it (catalog reserved its lines). */
    const confirmedBySaga = (order: OrderView): Promise<OrderView> =>
      eventually(async () => {
        const res = await api.get(`/v1/orders/${order.id}`, customer.tokens.accessToken);
        expectStatus(res, 200, 'GET own order');
        const current = res.body as OrderView;
        return current.status === 'confirmed' ? current : undefined;
      }, { timeoutMs: 20_000, description: `order ${order.id} confirmed by the saga` });

    afterAll(() => stopE2eSystem(system, options.logLabel), options.stopTimeoutMs ?? 60_000);

    it('registers a customer and answers with a bearer token pair', async () => {
      customer = await api.register('journey');
      expect(customer.tokens).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: expect.any(Number),
      });
      expect(customer.tokens.expiresIn).toBeGreaterThan(0);
      expect(customer.id).toMatch(UUID);
    });

    it('serves the new profile on GET /v1/users/me right after registration', async () => {
      const res = await api.get('/v1/users/me', customer.tokens.accessToken);
      expectStatus(res, 200, 'GET /v1/users/me');
      expect(res.body).toEqual({
        id: customer.id,
        email: customer.email,
        displayName: customer.displayName,
        emailVerified: false,
        createdAt: expect.stringMatching(ISO_TIMESTAMP),
        updatedAt: expect.stringMatching(ISO_TIMESTAMP),
      });
    });

    it('creates an order with the total computed server-side', async () => {
      const res = await api.post('/v1/orders', sampleOrder(), customer.tokens.accessToken);
      expectStatus(res, 201, 'create order');
      cancelledOrder = res.body as OrderView;
      expect(res.headers.location).toBe(`/v1/orders/${cancelledOrder.id}`);
      expect(res.headers.etag).toBe('"1"');
      expect(cancelledOrder).toEqual({
        id: expect.stringMatching(UUID),
        userId: customer.id,
        status: 'pending',
        currency: 'EUR',
        items: sampleOrder().items,
        total: 2 * 1999 + 500,
        version: 1,
        createdAt: expect.stringMatching(ISO_TIMESTAMP),
        updatedAt: expect.stringMatching(ISO_TIMESTAMP),
      });
    });

    it('confirms the order once catalog has reserved its stock (the saga), and lists it among the customer\'s own orders', async () => {
      cancelledOrder = await confirmedBySaga(cancelledOrder);
      expect(cancelledOrder).toMatchObject({ status: 'confirmed', version: 2 });
      const page = await api.listOrders(customer.tokens.accessToken);
      expect(page).toEqual({ items: [cancelledOrder], nextCursor: null });
    });

    it('lets the customer cancel their confirmed order', async () => {
      const res = await api.post(`/v1/orders/${cancelledOrder.id}/cancel`, undefined, customer.tokens.accessToken);
      expectStatus(res, 200, 'cancel own order');
      expect(res.body).toMatchObject({ id: cancelledOrder.id, status: 'cancelled', version: 3 });
    });

    it('lets an admin ship another order of the customer once the saga confirmed it', async () => {
      shippedOrder = await confirmedBySaga(await api.createOrder(customer.tokens.accessToken, sampleOrder()));
      adminTokens = await api.login(ADMIN.email, ADMIN.password);

      expect(shippedOrder).toMatchObject({ status: 'confirmed', version: 2 });
      const shipped = await api.changeStatus(adminTokens.accessToken, shippedOrder.id, 'shipped');
      expect(shipped).toMatchObject({ id: shippedOrder.id, status: 'shipped', version: 3 });

      const seenByCustomer = await api.get(`/v1/orders/${shippedOrder.id}`, customer.tokens.accessToken);
      expectStatus(seenByCustomer, 200, 'GET own shipped order');
      expect(seenByCustomer.body).toMatchObject({ id: shippedOrder.id, userId: customer.id, status: 'shipped', version: 3 });

      const page = await api.listOrders(customer.tokens.accessToken);
      expect(page.items.map((o) => [o.id, o.status])).toEqual([[shippedOrder.id, 'shipped'], [cancelledOrder.id, 'cancelled']]);
    });

    it('notifies the customer of every event exactly once', async () => {
      const expected = [
        'welcome',
        `order.created:${cancelledOrder.id}`,
        `order.status-changed:${cancelledOrder.id}:confirmed`,
        `order.status-changed:${cancelledOrder.id}:cancelled`,
        `order.created:${shippedOrder.id}`,
        `order.status-changed:${shippedOrder.id}:confirmed`,
        `order.status-changed:${shippedOrder.id}:shipped`,
      ].sort();
      const current = async (): Promise<string[]> =>
        (await api.listNotifications(customer.tokens.accessToken, '?limit=100')).items.map(describeNotification).sort();

      await eventually(async () => ((await current()).length >= expected.length ? true : undefined), {
        timeoutMs: 20_000,
        description: `${expected.length} notifications`,
      });
      // At-least-once delivery must not surface as duplicates: keep looking for a while after the last one arrived.
      await consistently(async () => expect(await current()).toEqual(expected), 2_000);

      const page = await api.listNotifications(customer.tokens.accessToken, '?limit=100');
      notifications = page.items;
      for (const n of notifications) {
        expect(n).toEqual({
          id: expect.stringMatching(UUID),
          type: expect.any(String),
          title: expect.any(String),
          body: expect.any(String),
          read: false,
          createdAt: expect.stringMatching(ISO_TIMESTAMP),
          data: expect.any(Object),
        });
        expect(n.title.length).toBeGreaterThan(0);
      }
    });

    it('pages notifications newest first with a cursor', async () => {
      const first = await api.listNotifications(customer.tokens.accessToken, '?limit=4');
      expect(first.items).toHaveLength(4);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await api.listNotifications(customer.tokens.accessToken, `?limit=4&cursor=${encodeURIComponent(first.nextCursor ?? '')}`);
      expect(second.items).toHaveLength(3);
      expect(second.nextCursor).toBeNull();
      const paged = [...first.items, ...second.items];
      expect(paged.map((n) => n.id).sort()).toEqual(notifications.map((n) => n.id).sort());
      const createdAt = paged.map((n) => n.createdAt);
      expect(createdAt).toEqual([...createdAt].sort().reverse());
    });

    it('marks one notification read and leaves it out of the unread filter', async () => {
      const welcome = notifications.find((n) => n.type === 'welcome');
      expect(welcome).toBeDefined();
      const res = await api.post(`/v1/notifications/${welcome?.id}/read`, undefined, customer.tokens.accessToken);
      expectStatus(res, 200, 'mark read');
      expect(res.body).toMatchObject({ id: welcome?.id, type: 'welcome', read: true });

      const unread = await api.listNotifications(customer.tokens.accessToken, '?unread=true&limit=100');
      expect(unread.items.map((n) => n.id).sort()).toEqual(notifications.filter((n) => n !== welcome).map((n) => n.id).sort());
      expect(unread.items.every((n) => !n.read)).toBe(true);

      const all = await api.listNotifications(customer.tokens.accessToken, '?limit=100');
      expect(all.items.find((n) => n.id === welcome?.id)?.read).toBe(true);
      expect(all.items).toHaveLength(notifications.length);
    });
  });
}
