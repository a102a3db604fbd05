// notificationCreated over graphql-ws against the listening gateway module: fed by the same per-replica broadcast
// handler as the SSE stream, authenticated by the connection's token, ended by a session revocation.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { TokenRevocations } from '@plinth/access-tokens';
import { ErrorCodes, NotificationCreatedEvent, type NotificationView } from '@plinth/contracts';
import { waitUntil } from '@plinth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';
import { NotificationCreatedHandlers } from '../notifications/notification-created.handlers.js';
import { NotificationStreams } from '../notifications/notification-streams.js';

let t: GatewayTestApp;
let url: string;
const clients: Client[] = [];

beforeAll(async () => {
  t = await createGatewayTestApp({ config: { SSE_MAX_STREAMS_PER_USER: 2 } });
  await t.app.listen(0, '127.0.0.1');
  url = `ws://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}/graphql`;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});
afterAll(() => t.close());

const clientFor = (authorization?: string): Client => {
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: authorization ? { authorization } : {}, retryAttempts: 0, lazy: false });
  clients.push(client);
  return client;
};

interface Received {
  data: NotificationView[];
  errors: { message: string; extensions?: { code?: string } }[];
  completed: boolean;
}
const subscribe = (client: Client, query = 'subscription { notificationCreated { id title read } }'): Received => {
  const received: Received = { data: [], errors: [], completed: false };
  client.subscribe<{ notificationCreated: NotificationView }>(
    { query },
    {
      next: (result) => {
        if (result.data?.notificationCreated) received.data.push(result.data.notificationCreated);
        if (result.errors) received.errors.push(...(result.errors as Received['errors']));
      },
      error: (error) => received.errors.push(...(Array.isArray(error) ? error : [{ message: String(error) }])),
      complete: () => {
        received.completed = true;
      },
    },
  );
  return received;
};

const notification = (): NotificationView => ({ id: randomUUID(), type: 'welcome', title: 'Welcome', body: 'Hello', read: false, createdAt: '2026-12-02T00:00:00.000Z', data: {} });
let sequence = 0;
const broadcast = (userId: string, view: NotificationView): void =>
  t.app.get(NotificationCreatedHandlers).onNotificationCreated({ data: { userId, sequence: ++sequence, notification: view } } as NotificationCreatedEvent);
const openListeners = (userId: string): number => t.app.get(NotificationStreams).openCountOf(userId);

describe('subscription notificationCreated', () => {
  it('delivers the caller\'s notifications from the broadcast, and nobody else\'s', async () => {
    const [userId, otherId] = [randomUUID(), randomUUID()];
    const received = subscribe(clientFor(`Bearer ${await t.token({ sub: userId })}`));
    await waitUntil(() => openListeners(userId) === 1);
    const [mine, theirs] = [notification(), notification()];
    broadcast(otherId, theirs);
    broadcast(userId, mine);
    await waitUntil(() => received.data.length === 1);
    expect(received.data).toEqual([{ id: mine.id, title: 'Welcome', read: false }]);
    expect(received.errors).toEqual([]);
  });

  it('refuses a connection without a token with COMMON.UNAUTHENTICATED and registers nothing', async () => {
    const received = subscribe(clientFor());
    await waitUntil(() => received.errors.length > 0);
    expect(received.errors.map((error) => error.extensions?.code)).toEqual([ErrorCodes.UNAUTHENTICATED]);
  });

  it('ends the subscription when the session is revoked', async () => {
    const [userId, sessionId] = [randomUUID(), randomUUID()];
    const received = subscribe(clientFor(`Bearer ${await t.token({ sub: userId, sid: sessionId })}`));
    await waitUntil(() => openListeners(userId) === 1);
    t.app.get(TokenRevocations).revokeSession(sessionId);
    await waitUntil(() => received.completed);
    expect(openListeners(userId)).toBe(0);
  });

  it('unregisters when the client completes, and caps open subscriptions per user (COMMON.RATE_LIMITED)', async () => {
    const userId = randomUUID();
    const authorization = `Bearer ${await t.token({ sub: userId })}`;
    const first = clientFor(authorization);
    subscribe(first);
    subscribe(clientFor(authorization));
    await waitUntil(() => openListeners(userId) === 2);
    const third = subscribe(clientFor(authorization));
    await waitUntil(() => third.errors.length > 0);
    expect(third.errors.map((error) => error.extensions?.code)).toEqual([ErrorCodes.RATE_LIMITED]);
    await first.dispose();
    await waitUntil(() => openListeners(userId) === 1);
  });

  it('serves only subscriptions over WebSocket: queries and mutations go through POST /graphql and its limits', async () => {
    const client = clientFor(`Bearer ${await t.token()}`);
    const query = subscribe(client, '{ me { id } }');
    await waitUntil(() => query.errors.length > 0);
    expect(query.errors[0]).toMatchObject({ message: expect.stringContaining('Only subscriptions'), extensions: { code: ErrorCodes.VALIDATION_FAILED } });
  });
});
