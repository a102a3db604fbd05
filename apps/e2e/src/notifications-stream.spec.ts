// GET /v1/notifications/stream end to end: every service a separate process, the notification
// travelling orders → outbox → broker → notifications (stored, outbox) → broker → gateway → SSE.
import type { RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SERVICES_WITHOUT_SAGA, startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { consistently, eventually } from './support/eventually.js';
import { expectStatus, PlinthApi, type RegisteredUser } from './support/plinth-api.js';
import { SseStream, type SseOpenOptions } from './support/sse-client.js';

vi.setConfig({ testTimeout: 60_000 });

let system: RunningSystem;
let api: PlinthApi;
const openStreams: SseStream[] = [];

beforeAll(async () => {
  system = await startE2eSystem({ services: [...SERVICES_WITHOUT_SAGA], serviceEnv: { gateway: { SSE_HEARTBEAT_SECONDS: '1' } } });
  api = new PlinthApi(system.gatewayUrl);
}, SYSTEM_START_TIMEOUT_MS);

afterAll(async () => {
  for (const stream of openStreams) stream.close();
  await stopE2eSystem(system, 'notifications-stream', SERVICES_WITHOUT_SAGA);
}, 60_000);

const open = async (options: SseOpenOptions): Promise<SseStream> => {
  const stream = await SseStream.open(`${system.gatewayUrl}/v1/notifications/stream`, options);
  openStreams.push(stream);
  return stream;
};

/** A registered user whose welcome notification (sequence 1) is stored, so later sequences are known. */
const welcomedUser = async (label: string): Promise<RegisteredUser> => {
  const user = await api.register(label);
  await eventually(async () => ((await api.listNotifications(user.tokens.accessToken)).items.length === 1 ? true : undefined), {
    description: `${label}'s welcome notification`,
  });
  return user;
};

const orderIdsOf = (stream: SseStream): unknown[] => stream.notifications.map((n) => (n.data['data'] as { orderId?: unknown }).orderId);

const received = (stream: SseStream, count: number, description: string) =>
  eventually(async () => (stream.notifications.length >= count ? true : undefined), { description });

describe('GET /v1/notifications/stream', () => {
  let customer: RegisteredUser;

  it('pushes a new notification live, with its per-user sequence as the event id, and sends heartbeats', async () => {
    customer = await welcomedUser('stream');
    const stream = await open({ token: customer.tokens.accessToken });
    expect(stream.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers.get('cache-control')).toBe('no-store');

    const order = await api.createOrder(customer.tokens.accessToken);
    await received(stream, 1, 'the order notification on the stream');
    expect(stream.events).toEqual([{ id: '2', event: 'notification', data: expect.any(String) }]);
    expect(stream.notifications[0]?.data).toEqual({
      id: expect.any(String),
      type: 'order.created',
      title: 'Order received',
      body: expect.any(String),
      read: false,
      createdAt: expect.any(String),
      data: { orderId: order.id },
    });
    await eventually(async () => (stream.comments.includes('heartbeat') ? true : undefined), { description: 'a heartbeat comment' });
    stream.close();
  });

  it('replays exactly the missed notifications, in order, to a client reconnecting with Last-Event-ID, then continues live', async () => {
    const missed = [await api.createOrder(customer.tokens.accessToken), await api.createOrder(customer.tokens.accessToken)];
    await eventually(async () => ((await api.listNotifications(customer.tokens.accessToken)).items.length === 4 ? true : undefined), {
      description: 'the two missed notifications stored',
    });

    const stream = await open({ token: customer.tokens.accessToken, lastEventId: '2' });
    await received(stream, 2, 'the replayed notifications');
    const live = await api.createOrder(customer.tokens.accessToken);
    await received(stream, 3, 'the live notification after the replay');

    await consistently(async () => {
      expect(stream.notifications.map((n) => n.id)).toEqual(['3', '4', '5']);
    }, 1_000);
    expect(orderIdsOf(stream)).toEqual([missed[0]?.id, missed[1]?.id, live.id]);
    stream.close();

    const fromStart = await open({ token: customer.tokens.accessToken, lastEventId: '0' });
    await received(fromStart, 5, 'everything from the start');
    expect(fromStart.notifications.map((n) => n.id)).toEqual(['1', '2', '3', '4', '5']);
    fromStart.close();
  });

  it('never shows one user\'s notifications on another user\'s stream', async () => {
    const [alice, bob] = await Promise.all([welcomedUser('alice'), welcomedUser('bob')]);
    const [aliceStream, bobStream] = await Promise.all([open({ token: alice.tokens.accessToken }), open({ token: bob.tokens.accessToken })]);

    const aliceOrder = await api.createOrder(alice.tokens.accessToken);
    const bobOrder = await api.createOrder(bob.tokens.accessToken);
    await received(aliceStream, 1, 'alice\'s notification');
    await received(bobStream, 1, 'bob\'s notification');

    await consistently(async () => {
      expect(orderIdsOf(aliceStream)).toEqual([aliceOrder.id]);
      expect(orderIdsOf(bobStream)).toEqual([bobOrder.id]);
    }, 1_000);
  });

  it('ends the stream of a session that logs out, and only that session\'s', async () => {
    const user = await welcomedUser('logout');
    const otherSession = await api.login(user.email, user.password);
    const [stream, otherStream] = await Promise.all([open({ token: user.tokens.accessToken }), open({ token: otherSession.accessToken })]);

    expectStatus(await api.post('/v1/auth/logout', { refreshToken: user.tokens.refreshToken }), 204, 'logout');
    await stream.ended;
    expect(stream.events.at(-1)).toEqual({ event: 'session-revoked', data: '{}' });

    await api.createOrder(otherSession.accessToken);
    await received(otherStream, 1, 'the other session\'s stream still live');
    expect(otherStream.closed).toBe(false);
    const reopened = await open({ token: user.tokens.accessToken });
    expect(reopened.status).toBe(401);
  });

  it('refuses a stream without a token (401) and a Last-Event-ID that is no event id (400)', async () => {
    expect((await open({})).status).toBe(401);
    const user = await welcomedUser('bad-id');
    const stream = await open({ token: user.tokens.accessToken, lastEventId: 'not-a-number' });
    expect(stream.status).toBe(400);
    expect(await stream.problem()).toMatchObject({ code: 'COMMON.VALIDATION_FAILED', errors: [{ field: 'Last-Event-ID' }] });
  });

  it('documents the stream in the OpenAPI document as text/event-stream', async () => {
    const res = await api.get('/docs-json');
    expectStatus(res, 200, 'GET /docs-json');
    const operation = (res.body as { paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>> }).paths[
      '/v1/notifications/stream'
    ]?.['get'];
    expect(Object.keys(operation?.responses['200']?.content ?? {})).toEqual(['text/event-stream']);
  });
});

describe('PATCH /v1/users/me/preferences', () => {
  it('turns email notifications off and refuses unknown fields', async () => {
    const user = await api.register('prefs');
    const res = await api.patch('/v1/users/me/preferences', { emailNotifications: false }, user.tokens.accessToken);
    expectStatus(res, 200, 'PATCH preferences');
    expect(res.body).toEqual({ emailNotifications: false });

    const unknown = await api.patch('/v1/users/me/preferences', { emailNotifications: true, digest: 'daily' }, user.tokens.accessToken);
    expectStatus(unknown, 400, 'PATCH preferences with an unknown field');
    const missing = await api.patch('/v1/users/me/preferences', {}, user.tokens.accessToken);
    expectStatus(missing, 400, 'PATCH preferences without the field');
  });
});
