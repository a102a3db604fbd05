import { messagingEntities, messagingMigrations } from '@plinth/messaging';
import { describeMigrations } from '@plinth/testing';
import { expect, it } from 'vitest';
import { notificationsDatabase } from '../src/notifications-database.js';

describeMigrations(
  {
    service: 'notifications',
    entities: [...notificationsDatabase.entities, ...messagingEntities],
    migrations: [...notificationsDatabase.migrations, ...messagingMigrations],
  },
  (schema) => {
    it('create the partial index that serves the unread view', async () => {
      const [index] = await schema.orm.em.getConnection().execute<{ indexdef: string }[]>(
        `select indexdef from pg_indexes where indexname = 'notifications_user_unread_idx'`,
      );
      expect(index?.indexdef).toMatch(/\(user_id, created_at DESC, id DESC\) WHERE \(read = false\)$/);
    });
  },
);
