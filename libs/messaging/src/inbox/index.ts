export * from './inbox-message.entity.js';
export * from './inbox.service.js';
