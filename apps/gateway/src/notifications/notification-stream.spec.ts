import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import type { NotificationReplay, NotificationView, SequencedNotification } from '@plinth/contracts';
import { describe, expect, it } from 'vitest';
import { NotificationStream, REPLAY_PAGE_SIZE, type NotificationStreamOptions } from './notification-stream.js';

/** Just the parts of an Express response the stream uses, recording what was written. */
class FakeResponse extends EventEmitter {
  readonly frames: string[] = [];
  headers: Record<string, string> = {};
  headersSent = false;
  statusCode = 0;
  writableLength = 0;
  ended = false;
  destroyed = false;
  socket = { setNoDelay: () => undefined };
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }
  flushHeaders() {
    this.headersSent = true;
  }
  write(frame: string) {
    this.frames.push(frame);
    return true;
  }
  end() {
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
  }
  /** The ids of the notification events written, in order. */
  get ids(): number[] {
    return this.frames.filter((f) => f.includes('event: notification')).map((f) => Number(/^id: (\d+)$/m.exec(f)?.[1]));
  }
}

const view = (sequence: number): NotificationView => ({
  id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
  type: 'welcome',
  title: `n${sequence}`,
  body: 'b',
  read: false,
  createdAt: '2026-11-25T00:00:00.000Z',
  data: {},
});
const item = (sequence: number): SequencedNotification => ({ sequence, notification: view(sequence) });
const range = (from: number, to: number): SequencedNotification[] => Array.from({ length: to - from + 1 }, (_, i) => item(from + i));

/** A store holding sequences 1..latest; replay answers like notifications does. */
const store = (latest: () => number, calls: (number | undefined)[] = []) => async (after: number | undefined): Promise<NotificationReplay> => {
  calls.push(after);
  if (after === undefined) return { items: [], latestSequence: latest() };
  return { items: range(after + 1, latest()).slice(0, REPLAY_PAGE_SIZE), latestSequence: latest() };
};

const flush = () => new Promise((resolve) => setImmediate(resolve));

function streamOf(replay: NotificationStreamOptions['replay'], overrides: Partial<NotificationStreamOptions> = {}) {
  const response = new FakeResponse();
  const stream = new NotificationStream('user', 'session', response as unknown as Response, {
    heartbeatMs: 60_000,
    maxBufferedBytes: 10_000,
    maxPendingEvents: 100,
    replay,
    onError: () => undefined,
    ...overrides,
  });
  return { stream, response };
}

describe('NotificationStream', () => {
  it('starts at the latest sequence without Last-Event-ID and writes only what comes after it', async () => {
    const { stream, response } = streamOf(store(() => 3));
    await stream.start(undefined);
    stream.offer(item(4));
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.ids).toEqual([4]);
    expect(response.frames.at(-1)).toBe(`id: 4\nevent: notification\ndata: ${JSON.stringify(view(4))}\n\n`);
  });

  it('replays everything after Last-Event-ID, in order, across several pages', async () => {
    const latest = REPLAY_PAGE_SIZE * 2 + 5;
    const calls: (number | undefined)[] = [];
    const { stream, response } = streamOf(store(() => latest, calls));
    await stream.start(0);
    await flush();
    expect(response.ids).toEqual(range(1, latest).map((i) => i.sequence));
    expect(calls).toEqual([0, REPLAY_PAGE_SIZE, REPLAY_PAGE_SIZE * 2]);
  });

  it('drops a live event it already wrote (replayed or delivered twice)', async () => {
    const { stream, response } = streamOf(store(() => 2));
    await stream.start(0);
    stream.offer(item(2));
    stream.offer(item(3));
    stream.offer(item(3));
    expect(response.ids).toEqual([1, 2, 3]);
  });

  it('fills a gap from the store before writing a live event that overtook earlier ones', async () => {
    let latest = 1;
    const { stream, response } = streamOf(store(() => latest));
    await stream.start(undefined);
    latest = 4;
    stream.offer(item(4));
    stream.offer(item(2));
    await flush();
    stream.offer(item(3));
    expect(response.ids).toEqual([2, 3, 4]);
  });

  it('holds live events that arrive while the store is read and writes them after the replay, once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const replay = async (after: number | undefined): Promise<NotificationReplay> => {
      await gate;
      return store(() => 2)(after);
    };
    const { stream, response } = streamOf(replay);
    const started = stream.start(0);
    stream.offer(item(2));
    stream.offer(item(3));
    release();
    await started;
    expect(response.ids).toEqual([1, 2, 3]);
  });

  it('treats a Last-Event-ID beyond the user\'s latest as the latest, so later notifications still arrive', async () => {
    const { stream, response } = streamOf(store(() => 2));
    await stream.start(999);
    stream.offer(item(3));
    expect(response.ids).toEqual([3]);
  });

  it('disconnects a client whose socket holds more unsent bytes than allowed', async () => {
    const { stream, response } = streamOf(store(() => 0), { maxBufferedBytes: 100 });
    await stream.start(undefined);
    response.writableLength = 101;
    stream.offer(item(1));
    expect(response.destroyed).toBe(true);
    stream.offer(item(2));
    expect(response.ids).toEqual([1]);
  });

  it('disconnects when too many live events wait during a replay', async () => {
    const { stream, response } = streamOf(() => new Promise<NotificationReplay>(() => undefined), { maxPendingEvents: 2 });
    void stream.start(0);
    for (const sequence of [1, 2, 3]) stream.offer(item(sequence));
    expect(response.destroyed).toBe(true);
    expect(stream.isEnded).toBe(true);
  });

  it('ends with a session-revoked event and writes nothing afterwards', async () => {
    const { stream, response } = streamOf(store(() => 0));
    await stream.start(undefined);
    stream.end('session-revoked');
    stream.offer(item(1));
    expect(response.frames.at(-1)).toBe('event: session-revoked\ndata: {}\n\n');
    expect(response.ended).toBe(true);
    expect(response.ids).toEqual([]);
  });

  it('ends the stream (so the client reconnects and loses nothing) when filling a gap fails', async () => {
    let fail = false;
    const replay = async (after: number | undefined) => {
      if (fail) throw new Error('notifications unavailable');
      return store(() => 1)(after);
    };
    const { stream, response } = streamOf(replay);
    await stream.start(undefined);
    fail = true;
    stream.offer(item(3));
    await flush();
    expect(stream.isEnded).toBe(true);
    expect(response.frames.at(-1)).toBe('event: replay-failed\ndata: {}\n\n');
    expect(response.ids).toEqual([]);
  });

  it('rejects start (before any header is sent) when the first replay fails', async () => {
    const { stream, response } = streamOf(() => Promise.reject(new Error('down')));
    await expect(stream.start(5)).rejects.toThrow('down');
    expect(response.headersSent).toBe(false);
  });

  it.each([
    ['session-revoked', 'AUTH.SESSION_REVOKED'],
    ['shutdown', 'COMMON.UNAVAILABLE'],
  ] as const)('refuses the request (%s → %s) instead of an empty 200 when it ends during the first replay', async (reason, code) => {
    const opening: { stream?: NotificationStream } = {};
    const replay = async (after: number | undefined) => {
      opening.stream?.end(reason);
      return store(() => 2)(after);
    };
    const started = streamOf(replay);
    opening.stream = started.stream;
    await expect(started.stream.start(0)).rejects.toMatchObject({ code });
    expect(started.response.headersSent).toBe(false);
    expect(started.response.ended).toBe(false);
    expect(started.response.frames).toEqual([]);
  });
});
