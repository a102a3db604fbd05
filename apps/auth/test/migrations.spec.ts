import { describeMigrations } from '@plinth/testing';
import { authEntities } from '../src/auth-entities.js';
import { authMigrations } from '../src/migrations/auth-migrations.js';

describeMigrations({ service: 'auth', entities: authEntities, migrations: authMigrations });
