import { describeMigrations } from '@plinth/testing';
import { catalogDatabase } from '../src/catalog-database.js';

describeMigrations({ service: 'catalog', ...catalogDatabase });
