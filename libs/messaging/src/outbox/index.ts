export * from './outbox-inbox.entities.js';
export * from './outbox-inbox.migration.js';
export * from './outbox-inbox.module.js';
export * from './outbox-message.entity.js';
export * from './outbox-relay.options.js';
export * from './outbox-relay.service.js';
export * from './outbox.service.js';
