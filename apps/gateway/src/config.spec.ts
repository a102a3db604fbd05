import { ConfigValidationError, loadConfig } from '@plinth/service-bootstrap';
import { describe, expect, it } from 'vitest';
import { GatewayConfig } from './config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(GatewayConfig, env, 'gateway');
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.message.split('\n').filter((line) => line.includes('REDIS_URL'));
    throw error;
  }
};

describe('GatewayConfig REDIS_URL', () => {
  it('is required when NODE_ENV=production, with a message that says why', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'Invalid configuration for gateway: REDIS_URL must be set when NODE_ENV=production: without it every gateway replica counts rate limits and login delays on its own (not set)',
    ]);
  });

  it('is accepted in production when set', () => {
    expect(problemsOf({ NODE_ENV: 'production', REDIS_URL: 'redis://:secret@redis:6379' })).toEqual([]);
  });

  it.each(['development', 'test'])('stays optional with NODE_ENV=%s (one local replica, counters in memory)', (nodeEnv) => {
    expect(loadConfig(GatewayConfig, { NODE_ENV: nodeEnv }, 'gateway').REDIS_URL).toBeUndefined();
  });

  it('is still checked for its form wherever it is set', () => {
    expect(problemsOf({ NODE_ENV: 'development', REDIS_URL: 'http://redis:6379' })).toHaveLength(1);
  });
});
