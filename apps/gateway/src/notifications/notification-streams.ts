import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApplicationError,
  ErrorCodes,
  NotificationsStreamRpc,
  type NotificationReplay,
  type SequencedNotification,
} from '@plinth/contracts';
import { actorOf, type AuthenticatedCaller } from '../access/authenticated-caller.js';
import { TokenRevocations } from '@plinth/access-tokens';
import { GatewayConfig } from '../config.js';
import { ServiceClient } from '../http/service-client.js';
import { NotificationStream, REPLAY_PAGE_SIZE } from './notification-stream.js';

// Live events held per stream while it reads the store; a healthy catch-up needs a handful.
const MAX_PENDING_EVENTS = 1_000;

/** A live listener other than an SSE stream (a GraphQL subscription): the same events, the same session end. */
export interface NotificationListener {
  readonly userId: string;
  readonly sessionId: string;
  next(notification: SequencedNotification): void;
  end(): void;
}

/**
 * This replica's open notification streams, by user and by session. Each replica receives every
 * `notification.created` on its own broadcast queue and forwards it only to its own connections of
 * that user; a revoked session ends that session's streams at once.
 */
@Injectable()
export class NotificationStreams implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(NotificationStreams.name);
  private readonly byUser = new Map<string, Set<NotificationStream>>();
  private readonly bySession = new Map<string, Set<NotificationStream>>();
  private readonly listenersByUser = new Map<string, Set<NotificationListener>>();
  private stopListening?: () => void;

  constructor(
    private readonly rpc: ServiceClient,
    private readonly revocations: TokenRevocations,
    private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    this.stopListening = this.revocations.onSessionRevoked((sessionId) => this.endSession(sessionId));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
    for (const streams of this.byUser.values()) for (const stream of streams) stream.end('shutdown');
    for (const listeners of [...this.listenersByUser.values()]) for (const listener of [...listeners]) listener.end();
    this.listenersByUser.clear();
  }

  /**
   * Adds a listener fed by the same broadcast as the streams, counted in the same SSE_MAX_STREAMS_PER_USER budget
   * (429 beyond); the returned function removes it. A revoked session or a shutdown ends it.
   */
  listen(listener: NotificationListener): () => void {
    if (this.openCountOf(listener.userId) >= this.config.SSE_MAX_STREAMS_PER_USER) {
      throw new ApplicationError(ErrorCodes.RATE_LIMITED, `At most ${this.config.SSE_MAX_STREAMS_PER_USER} open notification streams per user.`);
    }
    const listeners = this.listenersByUser.get(listener.userId) ?? new Set<NotificationListener>();
    listeners.add(listener);
    this.listenersByUser.set(listener.userId, listeners);
    return () => this.removeListener(listener);
  }

  get openCount(): number {
    let count = 0;
    for (const streams of this.byUser.values()) count += streams.size;
    return count;
  }

  /** Serves one SSE request until the client leaves, the session is revoked or the client is too slow. */
  async open(caller: AuthenticatedCaller, response: Response, afterSequence: number | undefined): Promise<void> {
    if (this.openCountOf(caller.userId) >= this.config.SSE_MAX_STREAMS_PER_USER) {
      throw new ApplicationError(ErrorCodes.RATE_LIMITED, `At most ${this.config.SSE_MAX_STREAMS_PER_USER} open notification streams per user.`);
    }
    const stream = new NotificationStream(caller.userId, caller.sessionId, response, {
      heartbeatMs: this.config.SSE_HEARTBEAT_SECONDS * 1000,
      maxBufferedBytes: this.config.SSE_MAX_BUFFERED_BYTES,
      maxPendingEvents: MAX_PENDING_EVENTS,
      replay: (after) =>
        // Later catch-ups run outside the request; once the token has expired notifications refuses
        // them, the stream ends ('replay-failed') and the client resumes with a fresh token and Last-Event-ID.
        this.rpc.send<NotificationReplay>(NotificationsStreamRpc.replay, { actor: actorOf(caller), afterSequence: after, limit: REPLAY_PAGE_SIZE }, caller),
      onError: (error) => this.logger.warn(`Notification stream replay failed: ${(error as Error).message}`),
    });
    // Registered before the store is read, so no notification committed in between is missed.
    this.add(stream);
    response.on('close', () => {
      stream.end('client-closed');
      this.remove(stream);
    });
    try {
      await stream.start(afterSequence);
    } catch (error) {
      stream.end('client-closed');
      this.remove(stream);
      throw error;
    }
  }

  /** A `notification.created` from this replica's broadcast queue. */
  deliver(userId: string, item: SequencedNotification): void {
    const streams = this.byUser.get(userId);
    if (streams) for (const stream of streams) stream.offer(item);
    const listeners = this.listenersByUser.get(userId);
    if (listeners) for (const listener of listeners) listener.next(item);
  }

  /** SSE streams and listeners of this user on this replica. */
  openCountOf(userId: string): number {
    return (this.byUser.get(userId)?.size ?? 0) + (this.listenersByUser.get(userId)?.size ?? 0);
  }

  private removeListener(listener: NotificationListener): void {
    const listeners = this.listenersByUser.get(listener.userId);
    if (!listeners) return;
    listeners.delete(listener);
    if (listeners.size === 0) this.listenersByUser.delete(listener.userId);
  }

  private endSession(sessionId: string): void {
    for (const listeners of [...this.listenersByUser.values()]) {
      for (const listener of [...listeners]) {
        if (listener.sessionId !== sessionId) continue;
        this.removeListener(listener);
        listener.end();
      }
    }
    const streams = this.bySession.get(sessionId);
    if (!streams) return;
    for (const stream of [...streams]) {
      stream.end('session-revoked');
      this.remove(stream);
    }
  }

  private add(stream: NotificationStream): void {
    addTo(this.byUser, stream.userId, stream);
    addTo(this.bySession, stream.sessionId, stream);
  }

  private remove(stream: NotificationStream): void {
    removeFrom(this.byUser, stream.userId, stream);
    removeFrom(this.bySession, stream.sessionId, stream);
  }
}

function addTo(index: Map<string, Set<NotificationStream>>, key: string, stream: NotificationStream): void {
  const streams = index.get(key) ?? new Set<NotificationStream>();
  streams.add(stream);
  index.set(key, streams);
}

function removeFrom(index: Map<string, Set<NotificationStream>>, key: string, stream: NotificationStream): void {
  const streams = index.get(key);
  if (!streams) return;
  streams.delete(stream);
  if (streams.size === 0) index.delete(key);
}
