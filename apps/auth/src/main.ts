import { bootstrapService } from '@plinth/service-bootstrap';
import { AuthAppModule } from './auth-app.module.js';
import { authEntities } from './auth-entities.js';
import { AuthConfig } from './config.js';
import { authMigrations } from './migrations/auth-migrations.js';

await bootstrapService({
  name: 'auth',
  module: AuthAppModule,
  config: AuthConfig,
  database: { entities: authEntities, migrations: authMigrations },
});
