import { bootstrapService } from '@plinth/service-bootstrap';
import { UsersConfig } from './config.js';
import { UsersAppModule } from './users-app.module.js';
import { usersDatabase } from './users-database.js';

await bootstrapService({ name: 'users', module: UsersAppModule, config: UsersConfig, database: usersDatabase });
