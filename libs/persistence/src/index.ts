export * from './persistence.module.js';
export * from './persistence-options.js';
export * from './run-migrations.js';
export * from './database-admin.js';
export * from './database.health-indicator.js';
export * from './entity-manager-context.interceptor.js';
export * from './page-cursor.js';
export * from './keyset-page.js';
