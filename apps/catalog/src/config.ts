import { DatabaseServiceConfig } from '@plinth/service-bootstrap';

/** Catalog's environment: the shared service settings with this service's port and database as defaults. */
export class CatalogConfig extends DatabaseServiceConfig {
  override PORT = 3005;
  override DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plinth_catalog';
}
