import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { NotificationsStreamRpc, UsersPreferencesRpc, type NotificationView, type SequencedNotification } from '@plinth/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';
import { TokenRevocations } from '@plinth/access-tokens';
import { NotificationStreams } from './notification-streams.js';

let t: GatewayTestApp;
let baseUrl: string;
const http = () => request(t.app.getHttpServer());

const view = (title: string): NotificationView => ({
  id: randomUUID(),
  type: 'welcome',
  title,
  body: 'b',
  read: false,
  createdAt: '2026-11-25T00:00:00.000Z',
  data: {},
});

beforeAll(async () => {
  t = await createGatewayTestApp({ config: { SSE_MAX_STREAMS_PER_USER: 2 } });
  const server = t.app.getHttpServer() as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());
beforeEach(() => t.rpc.clearCalls());

/** Reads frames until `until` holds for the text so far or the stream ends. */
async function openStream(token: string, lastEventId?: string) {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const response = await fetch(`${baseUrl}/v1/notifications/stream`, { headers, signal: abort.signal });
  if (!response.body) throw new Error('the stream response has no body');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  let ended = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  const until = async (condition: (text: string) => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!condition(text) && !ended && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return text;
  };
  return { response, until, close: async () => (abort.abort(), await pump), get ended() { return ended; } };
}

describe('GET /v1/notifications/stream', () => {
  it('replays after Last-Event-ID with the caller as actor, then forwards live notifications of that user only', async () => {
    const userId = randomUUID();
    const replayed = view('replayed');
    t.rpc.reply(NotificationsStreamRpc.replay, { items: [{ sequence: 4, notification: replayed }], latestSequence: 4 });
    const stream = await openStream(await t.token({ sub: userId }), '3');
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await stream.until((text) => text.includes('id: 4'));

    const live: SequencedNotification = { sequence: 5, notification: view('live') };
    const streams = t.app.get(NotificationStreams);
    streams.deliver(randomUUID(), { sequence: 5, notification: view('someone else') });
    streams.deliver(userId, live);
    const text = await stream.until((sofar) => sofar.includes('id: 5'));
    await stream.close();

    expect(t.rpc.payloadsOf(NotificationsStreamRpc.replay)).toEqual([{ actor: { userId, roles: ['user'] }, afterSequence: 3, limit: 200 }]);
    expect(text).toBe(
      'retry: 3000\n: connected\n\n' +
        `id: 4\nevent: notification\ndata: ${JSON.stringify(replayed)}\n\n` +
        `id: 5\nevent: notification\ndata: ${JSON.stringify(live.notification)}\n\n`,
    );
    // The client left: the server notices the socket close and forgets the stream.
    const deadline = Date.now() + 5_000;
    while (streams.openCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(streams.openCount).toBe(0);
  });

  it('sends the caller\'s access token with every replay, also a catch-up started later by a live event', async () => {
    const userId = randomUUID();
    const token = await t.token({ sub: userId });
    const afterGap: SequencedNotification = { sequence: 3, notification: view('after a gap') };
    const missed = [{ sequence: 2, notification: view('missed') }, afterGap];
    t.rpc.reply(NotificationsStreamRpc.replay, (payload) =>
      payload.afterSequence === undefined ? { items: [], latestSequence: 1 } : { items: missed, latestSequence: 3 });
    const stream = await openStream(token);
    await stream.until((text) => text.includes(': connected'));
    // A gap (2 is missing) makes the stream read the store again, outside the HTTP request's context.
    t.app.get(NotificationStreams).deliver(userId, afterGap);
    await stream.until((text) => text.includes('id: 3'));
    await stream.close();
    const replays = t.rpc.calls.filter((call) => call.pattern === NotificationsStreamRpc.replay);
    expect(replays.map((call) => call.headers?.['x-access-token'])).toEqual([token, token]);
  });

  it('ends the stream with event: session-revoked when its session is revoked', async () => {
    const sid = randomUUID();
    t.rpc.reply(NotificationsStreamRpc.replay, { items: [], latestSequence: 0 });
    const stream = await openStream(await t.token({ sub: randomUUID(), sid }));
    await stream.until((text) => text.includes(': connected'));
    t.app.get(TokenRevocations).revokeSession(sid);
    const text = await stream.until(() => false);
    expect(stream.ended).toBe(true);
    expect(text.endsWith('event: session-revoked\ndata: {}\n\n')).toBe(true);
  });

  it('refuses a further stream past SSE_MAX_STREAMS_PER_USER with 429', async () => {
    const token = await t.token({ sub: randomUUID() });
    t.rpc.reply(NotificationsStreamRpc.replay, { items: [], latestSequence: 0 });
    const open = [await openStream(token), await openStream(token)];
    const third = await http().get('/v1/notifications/stream').set('authorization', `Bearer ${token}`);
    expect(third.status).toBe(429);
    for (const stream of open) await stream.close();
  });

  it.each(['abc', '-1', '1.5'])('refuses Last-Event-ID %s with 400 before any RPC', async (lastEventId) => {
    const res = await http().get('/v1/notifications/stream').set('authorization', `Bearer ${await t.token()}`).set('last-event-id', lastEventId);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'Last-Event-ID', message: expect.any(String) }]);
    expect(t.rpc.payloadsOf(NotificationsStreamRpc.replay)).toEqual([]);
  });
});

describe('PATCH /v1/users/me/preferences', () => {
  it('sends the caller\'s own preference change and returns the preferences', async () => {
    const userId = randomUUID();
    t.rpc.reply(UsersPreferencesRpc.update, { emailNotifications: false });
    const res = await http().patch('/v1/users/me/preferences').set('authorization', `Bearer ${await t.token({ sub: userId })}`).send({ emailNotifications: false });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ emailNotifications: false });
    expect(t.rpc.payloadsOf(UsersPreferencesRpc.update)).toEqual([{ actor: { userId, roles: ['user'] }, userId, emailNotifications: false }]);
  });

  it.each([{ emailNotifications: 'no' }, {}, { emailNotifications: true, digest: 'daily' }])('refuses %j with 400', async (body) => {
    const res = await http().patch('/v1/users/me/preferences').set('authorization', `Bearer ${await t.token()}`).send(body);
    expect(res.status).toBe(400);
    expect(t.rpc.payloadsOf(UsersPreferencesRpc.update)).toEqual([]);
  });
});
