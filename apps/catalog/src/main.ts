import { bootstrapService } from '@plinth/service-bootstrap';
import { CatalogConfig } from './config.js';
import { catalogDatabase } from './catalog-database.js';
import { CatalogAppModule } from './catalog-app.module.js';

await bootstrapService({ name: 'catalog', module: CatalogAppModule, config: CatalogConfig, database: catalogDatabase });
