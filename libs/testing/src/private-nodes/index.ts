export { PrivateRabbit, type PrivateRabbitOptions, type PrivateRabbitTls } from './private-rabbit.js';
export { PrivatePostgres, type PrivatePostgresOptions, type PrivatePostgresTls } from './private-postgres.js';
export { PrivateRedis } from './private-redis.js';
export type { NodeTls } from './node-processes.js';
