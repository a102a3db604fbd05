import { describeMigrations } from '@plinth/testing';
import { ordersDatabase } from '../src/orders-database.js';

describeMigrations({ service: 'orders', ...ordersDatabase });
