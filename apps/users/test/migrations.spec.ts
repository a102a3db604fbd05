import { messagingEntities, messagingMigrations } from '@plinth/messaging';
import { describeMigrations } from '@plinth/testing';
import { expect, it } from 'vitest';
import { usersDatabase } from '../src/users-database.js';

describeMigrations(
  {
    service: 'users',
    entities: [...usersDatabase.entities, ...messagingEntities],
    migrations: [...usersDatabase.migrations, ...messagingMigrations],
  },
  (schema) => {
    it('create the case-insensitive prefix index the email filter relies on', async () => {
      const [index] = await schema.orm.em.getConnection().execute<{ indexdef: string }[]>(
        `select indexdef from pg_indexes where indexname = 'profiles_email_lower_prefix_idx'`,
      );
      expect(index?.indexdef).toContain('lower((email)::text) text_pattern_ops');
    });
  },
);
