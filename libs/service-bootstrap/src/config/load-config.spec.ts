import { IsOptional, Matches } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { DatabaseServiceConfig } from './base-service.config.js';
import { EnvStringList } from './env-transforms.js';
import { ConfigValidationError, loadConfig } from './load-config.js';

class OrdersLikeConfig extends DatabaseServiceConfig {
  override PORT = 3003;
  override DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plinth_orders';

  @IsOptional() @EnvStringList() @Matches(/^https?:\/\//, { each: true, message: '$property must list http(s) origins' })
  CORS_ORIGINS: string[] = [];

  @IsOptional() @Matches(/.{12,}/, { message: '$property must be at least 12 characters' })
  ADMIN_PASSWORD?: string;
}

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(OrdersLikeConfig, env, 'orders');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).message.split('\n');
  }
  throw new Error('expected the configuration to be rejected');
};

describe('loadConfig', () => {
  it('keeps the class defaults for unset and empty variables', () => {
    const config = loadConfig(OrdersLikeConfig, { PORT: '', PATH: '/usr/bin' }, 'orders');
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3003,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/plinth_orders',
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
      LOG_FORMAT: 'json',
      EVENT_RETRY_DELAYS_MS: [1000, 5000, 15000, 30000],
    });
    expect(config).toBeInstanceOf(OrdersLikeConfig);
  });

  it('coerces numbers and parses comma-separated lists', () => {
    const config = loadConfig(
      OrdersLikeConfig,
      { PORT: '4010', PREFETCH: '8', EVENT_RETRY_DELAYS_MS: '100, 200,400', CORS_ORIGINS: 'https://a.example, https://b.example' },
      'orders',
    );
    expect(config.PORT).toBe(4010);
    expect(config.PREFETCH).toBe(8);
    expect(config.EVENT_RETRY_DELAYS_MS).toEqual([100, 200, 400]);
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it('takes the least-privilege settings: the topology scope and the migration owner\'s URL, refusing bad values by name', () => {
    const config = loadConfig(OrdersLikeConfig, { RABBITMQ_DECLARE_TOPOLOGY: 'own', MIGRATION_DATABASE_URL: 'postgres://owner@db:5432/plinth_orders' }, 'orders');
    expect(config).toMatchObject({ RABBITMQ_DECLARE_TOPOLOGY: 'own', MIGRATION_DATABASE_URL: 'postgres://owner@db:5432/plinth_orders' });
    const defaults = loadConfig(OrdersLikeConfig, {}, 'orders');
    expect(defaults.RABBITMQ_DECLARE_TOPOLOGY).toBe('all');
    expect(defaults.MIGRATION_DATABASE_URL).toBeUndefined();
    expect(problemsOf({ RABBITMQ_DECLARE_TOPOLOGY: 'some', MIGRATION_DATABASE_URL: 'mysql://x/y' })).toEqual([
      'Invalid configuration for orders: MIGRATION_DATABASE_URL must be a postgres:// URL (got "mysql://x/y")',
      'Invalid configuration for orders: RABBITMQ_DECLARE_TOPOLOGY must be one of all, own (got "some")',
    ]);
  });

  it('ignores variables the class does not declare', () => {
    const config = loadConfig(OrdersLikeConfig, { HOME: '/root', SOMETHING_ELSE: 'x' }, 'orders');
    expect(Object.keys(config)).not.toContain('HOME');
    expect(Object.keys(config)).not.toContain('SOMETHING_ELSE');
  });

  it('freezes the result, lists included', () => {
    const config = loadConfig(OrdersLikeConfig, {}, 'orders');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.EVENT_RETRY_DELAYS_MS)).toBe(true);
  });

  it('reports one line per bad variable, naming it and the value given', () => {
    expect(problemsOf({ DATABASE_URL: 'nope', PORT: 'eighty', LOG_FORMAT: 'xml' })).toEqual([
      'Invalid configuration for orders: DATABASE_URL must be a postgres:// URL (got "nope")',
      'Invalid configuration for orders: LOG_FORMAT must be json or pretty (got "xml")',
      'Invalid configuration for orders: PORT must be an integer port (got "eighty")',
    ]);
  });

  it('rejects a retry list with a non-numeric element', () => {
    expect(problemsOf({ EVENT_RETRY_DELAYS_MS: '100,soon' })).toEqual([
      'Invalid configuration for orders: EVENT_RETRY_DELAYS_MS must be a comma-separated list of integers (milliseconds) (got "100,soon")',
    ]);
  });

  it('rejects a port out of range with the numeric bound', () => {
    expect(problemsOf({ PORT: '70000' })).toEqual(['Invalid configuration for orders: PORT must not be greater than 65535 (got "70000")']);
  });

  it('says "not set" for a required variable without a default', () => {
    class NoDefaultConfig extends DatabaseServiceConfig {}
    expect(() => loadConfig(NoDefaultConfig, {}, 'users')).toThrow(
      'Invalid configuration for users: DATABASE_URL must be a postgres:// URL (not set)',
    );
  });

  it('masks secrets and URL passwords in the messages', () => {
    const lines = problemsOf({ ADMIN_PASSWORD: 'short', RABBITMQ_URL: 'http://user:hunter2@broker' });
    expect(lines).toEqual([
      'Invalid configuration for orders: ADMIN_PASSWORD must be at least 12 characters (got "***")',
      'Invalid configuration for orders: RABBITMQ_URL must be an amqp:// or amqps:// URL (got "http://user:***@broker")',
    ]);
  });
});
