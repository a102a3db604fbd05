import { bootstrapService } from '@plinth/service-bootstrap';
import { NotificationsConfig } from './config.js';
import { NotificationsAppModule } from './notifications-app.module.js';
import { notificationsDatabase } from './notifications-database.js';

await bootstrapService({
  name: 'notifications',
  module: NotificationsAppModule,
  config: NotificationsConfig,
  database: notificationsDatabase,
});
