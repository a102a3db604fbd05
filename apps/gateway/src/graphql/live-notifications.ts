import type { NotificationView } from '@plinth/contracts';
import type { AuthenticatedCaller } from '../access/authenticated-caller.js';
import type { NotificationStreams } from '../notifications/notification-streams.js';

// Notifications queued for a subscriber that is not reading; beyond it the subscription ends (the client
// resubscribes and lists what it missed), as an SSE stream is cut at SSE_MAX_BUFFERED_BYTES.
const MAX_QUEUED = 1_000;

/**
 * The caller's live notifications as the async iterator graphql-ws consumes: registered with NotificationStreams
 * (the per-replica broadcast of `notification.created`), unregistered when the client completes or disconnects
 * (`return()`), and finished when the session is revoked or the replica shuts down.
 */
export const liveNotifications = (streams: NotificationStreams, caller: AuthenticatedCaller): AsyncIterableIterator<NotificationView> => {
  const queued: NotificationView[] = [];
  let waiting: ((result: IteratorResult<NotificationView>) => void) | undefined;
  let done = false;

  const finish = (): void => {
    done = true;
    queued.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
  };
  const unregister = streams.listen({
    userId: caller.userId,
    sessionId: caller.sessionId,
    next: ({ notification }) => {
      if (done) return;
      if (waiting) {
        waiting({ value: notification, done: false });
        waiting = undefined;
      } else if (queued.length < MAX_QUEUED) {
        queued.push(notification);
      } else {
        unregister();
        finish();
      }
    },
    end: finish,
  });

  const iterator: AsyncIterableIterator<NotificationView> = {
    next: () => {
      const value = queued.shift();
      if (value) return Promise.resolve({ value, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return: () => {
      unregister();
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
};
