import type { Response } from 'express';
import { ApplicationError, ErrorCodes, type NotificationReplay, type SequencedNotification } from '@plinth/contracts';
import { toNotificationView } from './notification-view.mapper.js';

/** One page of the store per replay call; more pages are read until one comes back short. */
export const REPLAY_PAGE_SIZE = 200;

export interface NotificationStreamOptions {
  heartbeatMs: number;
  /** Bytes the socket may hold unsent before the client counts as too slow and is disconnected. */
  maxBufferedBytes: number;
  /** Live events held while the store is being read; past it the client must reconnect. */
  maxPendingEvents: number;
  /** afterSequence undefined → only the latest sequence (a stream that starts now). */
  replay: (afterSequence: number | undefined) => Promise<NotificationReplay>;
  onError: (error: unknown) => void;
}

export type StreamEndReason = 'client-closed' | 'session-revoked' | 'slow-client' | 'replay-failed' | 'shutdown';

/**
 * One SSE connection. Every notification of the user has a sequence (1, 2, 3 … in commit order), so
 * the stream can promise in-order, gap-free, duplicate-free delivery by tracking the last one written:
 * an older or equal one is dropped (already sent), the next one is written, and a jump means a live
 * event overtook or went missing — the store, which holds everything committed, fills the gap first.
 * Live events that arrive while the store is being read wait in `pending`.
 */
export class NotificationStream {
  private lastSequence = 0;
  private catchingUp = true;
  private pending: SequencedNotification[] = [];
  private heartbeat?: NodeJS.Timeout;
  private ended = false;
  private endReason?: StreamEndReason;

  constructor(
    readonly userId: string,
    readonly sessionId: string,
    private readonly response: Response,
    private readonly options: NotificationStreamOptions,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Reads what the client missed (or where "now" is) BEFORE sending the SSE headers, so a store
   * outage is still answered as a problem+json error. The caller registers the stream for live
   * events first: nothing committed meanwhile can fall between the read and the subscription.
   */
  async start(afterSequence: number | undefined): Promise<void> {
    const first = await this.options.replay(afterSequence);
    if (this.ended) return this.refuseUnopened();
    // A Last-Event-ID beyond the user's latest (a stale or made-up id) would silence the stream: clamp it.
    this.lastSequence = Math.min(afterSequence ?? first.latestSequence, first.latestSequence);
    this.openResponse();
    this.writeAll(first.items);
    if (first.items.length >= REPLAY_PAGE_SIZE) await this.catchUp();
    else this.goLive();
  }

  offer(item: SequencedNotification): void {
    if (this.ended) return;
    if (this.catchingUp) {
      if (this.pending.length >= this.options.maxPendingEvents) return this.end('slow-client');
      this.pending.push(item);
      return;
    }
    if (item.sequence <= this.lastSequence) return;
    if (item.sequence > this.lastSequence + 1) {
      this.pending.push(item);
      void this.catchUp();
      return;
    }
    this.write(item);
  }

  end(reason: StreamEndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.endReason = reason;
    clearInterval(this.heartbeat);
    this.pending = [];
    if (reason === 'client-closed') return;
    if (reason === 'slow-client') {
      // Its socket buffer is full: a goodbye frame would only queue behind the backlog.
      this.response.destroy();
      return;
    }
    // Not opened yet (the first replay is in flight): `start` answers the request with a problem instead.
    if (!this.response.headersSent) return;
    // A named final event tells a client why, so it does not reconnect with a revoked session.
    this.response.write(`event: ${reason}\ndata: {}\n\n`);
    this.response.end();
  }

  /**
   * The stream ended while its first replay was in flight, before any header went out: the request gets the
   * refusal it deserves (found by the API fuzzer: a 200 with no content type and an empty body).
   */
  private refuseUnopened(): void {
    if (this.endReason === 'session-revoked') throw new ApplicationError(ErrorCodes.AUTH_SESSION_REVOKED, 'The session was revoked.');
    if (this.endReason === 'shutdown') throw new ApplicationError(ErrorCodes.UNAVAILABLE, 'The server is shutting down.');
  }

  private async catchUp(): Promise<void> {
    this.catchingUp = true;
    try {
      for (;;) {
        const page = await this.options.replay(this.lastSequence);
        if (this.ended) return;
        this.writeAll(page.items);
        if (page.items.length < REPLAY_PAGE_SIZE) break;
      }
    } catch (error) {
      this.options.onError(error);
      // The client reconnects with its Last-Event-ID and loses nothing.
      this.end('replay-failed');
      return;
    }
    this.goLive();
  }

  private goLive(): void {
    this.catchingUp = false;
    for (const item of this.pending.splice(0)) this.offer(item);
  }

  private writeAll(items: SequencedNotification[]): void {
    for (const item of items) if (item.sequence > this.lastSequence) this.write(item);
  }

  private write(item: SequencedNotification): void {
    this.lastSequence = item.sequence;
    // JSON never contains a raw newline, so one data line carries the whole event.
    this.send(`id: ${item.sequence}\nevent: notification\ndata: ${JSON.stringify(toNotificationView(item.notification))}\n\n`);
  }

  private send(frame: string): void {
    if (this.ended) return;
    this.response.write(frame);
    if (this.response.writableLength > this.options.maxBufferedBytes) this.end('slow-client');
  }

  private openResponse(): void {
    this.response.status(200);
    this.response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.response.setHeader('Connection', 'keep-alive');
    // Reverse proxies (nginx) would otherwise buffer the stream.
    this.response.setHeader('X-Accel-Buffering', 'no');
    this.response.socket?.setNoDelay(true);
    this.response.flushHeaders();
    this.response.write('retry: 3000\n: connected\n\n');
    this.heartbeat = setInterval(() => this.send(': heartbeat\n\n'), this.options.heartbeatMs);
    this.heartbeat.unref();
  }
}
