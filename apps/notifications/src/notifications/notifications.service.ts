import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  ApplicationError,
  DEFAULT_PAGE_LIMIT,
  ErrorCodes,
  NotificationCreatedEvent,
  NotificationsEvents,
  type Actor,
  type EventEnvelope,
  type ListNotificationsRequest,
  type NotificationCreatedData,
  type NotificationReplay,
  type NotificationView,
  type Page,
  type ReplayNotificationsRequest,
} from '@plinth/contracts';
import { createEvent, Outbox } from '@plinth/messaging';
import { decodeCursor, toKeysetPage } from '@plinth/persistence';
import { v7 as uuidv7 } from 'uuid';
import { EmailSender } from '../email/email-sender.js';
import { NotificationStore } from './notification-store.js';
import type { NotificationDraft } from './notification-texts.js';
import { NotificationSequence } from './notification-sequence.entity.js';
import { Notification } from './notification.entity.js';
import { toNotificationView } from './notification.mapper.js';

const SOURCE = 'notifications';

@Injectable()
export class NotificationsService {
  constructor(
    private readonly em: EntityManager,
    private readonly store: NotificationStore,
    private readonly outbox: Outbox,
    private readonly email: EmailSender,
  ) {}

  /**
   * Stores the notification an event asks for and queues `notification.created` (and its email, when SMTP is
   * configured) in ONE statement with the inbox record, so a redelivered event neither duplicates nor loses any of
   * them. Events that arrive together share that statement (NotificationStore's group commit).
   */
  async notify(event: EventEnvelope, consumer: string, draft: NotificationDraft): Promise<void> {
    const notification = Object.assign(new Notification(), { ...draft, id: uuidv7(), sequence: 0, read: false, createdAt: new Date() });
    const created = createEvent<NotificationCreatedData>(
      NotificationsEvents.notificationCreated,
      NotificationCreatedEvent.VERSION,
      { userId: notification.userId, sequence: 0, notification: toNotificationView(notification) },
      { source: SOURCE, correlationId: event.correlationId },
    );
    const [outboxRow] = this.outbox.rowsFor(created);
    const sequence = await this.store.store({ event, consumer, notification, outboxRow });
    if (sequence === undefined) return;
    // What the statement stored: the row's payload is `created` itself.
    notification.sequence = sequence;
    created.data.sequence = sequence;
    this.outbox.notifyCommitted([outboxRow]);
    this.email.wake();
  }

  /**
   * For the live stream: the actor's notifications after `afterSequence`, oldest first; without it,
   * only the latest sequence (where a fresh stream starts).
   */
  async replay(request: ReplayNotificationsRequest): Promise<NotificationReplay> {
    const em = this.em.fork();
    const userId = request.actor.userId;
    const rows =
      request.afterSequence === undefined
        ? []
        : await em.find(Notification, { userId, sequence: { $gt: request.afterSequence } }, { orderBy: { sequence: 'asc' }, limit: request.limit });
    // Read after the rows, so it is never below the last one returned.
    const latest = await em.findOne(NotificationSequence, { userId });
    return {
      items: rows.map((row) => ({ sequence: row.sequence, notification: toNotificationView(row) })),
      latestSequence: latest?.lastSequence ?? 0,
    };
  }

  /** The actor's own notifications, newest first, keyset-paginated on (createdAt, id). */
  async list(request: ListNotificationsRequest): Promise<Page<NotificationView>> {
    const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
    const qb = this.em
      .fork()
      .createQueryBuilder(Notification, 'n')
      .select('*')
      .where({ userId: request.actor.userId })
      .orderBy({ createdAt: 'desc', id: 'desc' })
      .limit(limit + 1);
    if (request.unread === true) qb.andWhere({ read: false });
    if (request.unread === false) qb.andWhere({ read: true });
    if (request.cursor !== undefined) {
      const after = decodeCursor(request.cursor);
      qb.andWhere('(n.created_at, n.id) < (?, ?)', [after.createdAt, after.id]);
    }
    return toKeysetPage(await qb.getResult(), limit, toNotificationView);
  }

  /** Idempotent; someone else's notification is indistinguishable from a missing one. */
  async markRead(actor: Actor, notificationId: string): Promise<NotificationView> {
    const em = this.em.fork();
    const notification = await em.findOne(Notification, { id: notificationId, userId: actor.userId });
    if (!notification) throw new ApplicationError(ErrorCodes.NOTIFICATIONS_NOT_FOUND, 'Notification not found');
    if (!notification.read) {
      notification.read = true;
      await em.flush();
    }
    return toNotificationView(notification);
  }
}
