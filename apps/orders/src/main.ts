import { bootstrapService } from '@plinth/service-bootstrap';
import { OrdersConfig } from './config.js';
import { ordersDatabase } from './orders-database.js';
import { OrdersAppModule } from './orders-app.module.js';

await bootstrapService({ name: 'orders', module: OrdersAppModule, config: OrdersConfig, database: ordersDatabase });
