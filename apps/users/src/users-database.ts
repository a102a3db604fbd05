import type { ServiceDatabase } from '@plinth/service-bootstrap';
import { usersMigrations } from './migrations/users-migrations.js';
import { Profile } from './profiles/profile.entity.js';

/** The users service's own tables; bootstrapService adds the messaging lib's outbox/inbox to both lists. */
export const usersDatabase: ServiceDatabase = {
  entities: [Profile],
  migrations: usersMigrations,
};
