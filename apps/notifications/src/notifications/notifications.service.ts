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
  type NotificationView,
  type Page,
} from '@plinth/contracts';
import { createEvent, Inbox, Outbox } from '@plinth/messaging';
import { decodeCursor, encodeCursor } from '@plinth/persistence';
import { v7 as uuidv7 } from 'uuid';
import type { NotificationDraft } from './notification-texts.js';
import { Notification } from './notification.entity.js';
import { toNotificationView } from './notification.mapper.js';

const SOURCE = 'notifications';

@Injectable()
export class NotificationsService {
  constructor(
    private readonly em: EntityManager,
    private readonly inbox: Inbox,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Stores the notification an event asks for and queues `notification.created` in the same
   * transaction as the inbox record, so a redelivered event neither duplicates nor loses either.
   */
  async notify(event: EventEnvelope, consumer: string, draft: NotificationDraft): Promise<void> {
    const applied = await this.inbox.process(event, consumer, async (em) => {
      const notification = Object.assign(new Notification(), {
        ...draft,
        id: uuidv7(),
        read: false,
        createdAt: new Date(),
      });
      em.persist(notification);
      const created = createEvent<NotificationCreatedData>(
        NotificationsEvents.notificationCreated,
        NotificationCreatedEvent.VERSION,
        { userId: notification.userId, notification: toNotificationView(notification) },
        { source: SOURCE, correlationId: event.correlationId },
      );
      this.outbox.add(em, created);
    });
    if (applied) this.outbox.notifyCommitted();
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
    const rows = await qb.getResult();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toNotificationView),
      nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
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
